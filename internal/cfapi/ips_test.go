package cfapi

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestGetIPRanges(t *testing.T) {
	cases := []struct {
		name, result, wantErr string
		want                  IPRanges
	}{
		{
			name:   "published shape",
			result: `{"etag":"38f79d050aa027e3be3865e495dcc9bc","ipv4_cidrs":["173.245.48.0/20"],"ipv6_cidrs":["2400:cb00::/32"]}`,
			want:   IPRanges{IPv4CIDRs: []string{"173.245.48.0/20"}, IPv6CIDRs: []string{"2400:cb00::/32"}, Etag: "38f79d050aa027e3be3865e495dcc9bc"},
		},
		{
			name:   "no IPv6",
			result: `{"etag":"e","ipv4_cidrs":["127.0.0.1/32"],"ipv6_cidrs":[]}`,
			want:   IPRanges{IPv4CIDRs: []string{"127.0.0.1/32"}, IPv6CIDRs: []string{}, Etag: "e"},
		},
		// The ranges end up in nginx and Apache configuration: anything but
		// a CIDR is refused, not passed on.
		{name: "injection", result: `{"etag":"e","ipv4_cidrs":["1.2.3.0/24; allow all"],"ipv6_cidrs":[]}`, wantErr: `"1.2.3.0/24; allow all" is not an IPv4 CIDR`},
		{name: "wrong family", result: `{"etag":"e","ipv4_cidrs":["::1/128"],"ipv6_cidrs":[]}`, wantErr: "is not an IPv4 CIDR"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var path string
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				path = r.Method + " " + r.URL.Path
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(envelope(tc.result)))
			})
			c, _ := newTestClient(t, h)
			got, err := c.GetIPRanges(context.Background())
			if path != "GET /client/v4/ips" {
				t.Errorf("request = %q, want GET /client/v4/ips", path)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got.Etag != tc.want.Etag || !slices.Equal(got.IPv4CIDRs, tc.want.IPv4CIDRs) || !slices.Equal(got.IPv6CIDRs, tc.want.IPv6CIDRs) {
				t.Fatalf("GetIPRanges = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestGetSSLMode(t *testing.T) {
	for _, tc := range []struct{ value, want, wantErr string }{
		{value: `"strict"`, want: SSLModeStrict},
		{value: `"flexible"`, want: SSLModeFlexible},
		{value: `"origin_pull"`, wantErr: `unexpected value "origin_pull"`},
	} {
		var path string
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			path = r.Method + " " + r.URL.Path
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(envelope(`{"id":"ssl","value":` + tc.value + `,"editable":true,"modified_on":null}`)))
		})
		c, _ := newTestClient(t, h)
		got, err := c.GetSSLMode(context.Background(), testZone)
		if path != "GET /client/v4/zones/"+testZone+"/settings/ssl" {
			t.Errorf("request = %q", path)
		}
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("value %s: err = %v, want %q", tc.value, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("value %s: GetSSLMode = %q, %v", tc.value, got, err)
		}
	}
	c, _ := newTestClient(t, http.NotFoundHandler())
	if _, err := c.GetSSLMode(context.Background(), "../x"); err == nil {
		t.Fatal("an unsafe zone ID was sent")
	}
}
