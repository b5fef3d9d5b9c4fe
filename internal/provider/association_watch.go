package provider

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfaop/terraform-provider-cfaop/internal/cfapi"
	"github.com/cfaop/terraform-provider-cfaop/internal/deploywait"
)

// Group prefixes of association targets: a hostname to become active on a
// certificate, or to leave one (removed, or active on another).
const (
	groupOn  = "on:"
	groupOff = "off:"
)

// watchConcurrency bounds a zone's association reads in flight at once,
// over all its certificate groups; the client's rate-limit pacing still
// applies to each.
const watchConcurrency = 8

// readConcurrency bounds the reads of readMany in flight at once: a
// refresh of hundreds of hostnames is all network round trips, and Terraform
// itself would read one resource per hostname ten at a time.
const readConcurrency = 16

// associationWatch waits for hostname associations. Every waiter of a zone
// (bindings that wait, a cfaop_hostname_deployment, a certificate deletion)
// goes through the zone's one deploywait.Watch, so hostnames bound to one
// certificate share their polls: waiting for N of them costs about one
// request per poll plus one per hostname, not N per poll.
type associationWatch struct {
	client *cfapi.Client
	sched  deploywait.Schedule
	mu     sync.Mutex
	zones  map[string]*deploywait.Watch
	last   sync.Map // "zone/hostname" -> cfapi.Binding of the latest poll
	wrote  sync.Map // "zone/hostname" -> time.Time of this process's latest write
}

func newAssociationWatch(client *cfapi.Client, s pollSchedule) *associationWatch {
	return &associationWatch{client: client, sched: s.deploy(), zones: map[string]*deploywait.Watch{}}
}

// deploy is the deployment poll schedule matching s: the users' one for
// the users' schedule, the same bounds for the short ones tests set.
func (s pollSchedule) deploy() deploywait.Schedule {
	if s.orDefault() == defaultPollSchedule {
		return deploywait.Users
	}
	return deploywait.Schedule{Min: s.first, Max: s.max}
}

func (a *associationWatch) zone(zoneID string) *deploywait.Watch {
	a.mu.Lock()
	defer a.mu.Unlock()
	w := a.zones[zoneID]
	if w == nil {
		w = deploywait.New(deploywait.Config{
			Schedule: a.sched, Transient: transientPollError, MaxTransient: maxTransientPolls, Concurrency: watchConcurrency,
			Check: func(ctx context.Context, t deploywait.Target) (bool, string, error) { return a.check(ctx, zoneID, t) },
		})
		a.zones[zoneID] = w
	}
	return w
}

// waitActive waits until every hostname of want is active on its
// certificate (want maps hostname to certificate ID).
func (a *associationWatch) waitActive(ctx context.Context, zoneID string, want map[string]string) error {
	targets := make([]deploywait.Target, 0, len(want))
	for h, cert := range want {
		targets = a.unlessSettled(zoneID, targets, deploywait.Target{Key: h, Group: groupOn + cert, Since: a.writtenAt(zoneID, h)})
	}
	return a.zone(zoneID).Wait(ctx, targets)
}

// waitOff waits until every hostname has left certificate certID: its
// association is gone, or active on another certificate.
func (a *associationWatch) waitOff(ctx context.Context, zoneID, certID string, hostnames []string) error {
	targets := make([]deploywait.Target, 0, len(hostnames))
	for _, h := range hostnames {
		targets = a.unlessSettled(zoneID, targets, deploywait.Target{Key: h, Group: groupOff + certID, Since: a.writtenAt(zoneID, h)})
	}
	return a.zone(zoneID).Wait(ctx, targets)
}

// lastSeen is the association as the latest read of hostname found it
// (status deleted when it was gone).
func (a *associationWatch) lastSeen(zoneID, hostname string) (cfapi.Binding, bool) {
	v, ok := a.last.Load(zoneID + "/" + hostname)
	if !ok {
		return cfapi.Binding{}, false
	}
	return v.(cfapi.Binding), true
}

// remember records what a read of hostname found, gone or not, so that a
// cfaop_hostname_deployment refreshed after the bindings it references (in
// the same process) reuses their reads instead of repeating them.
func (a *associationWatch) remember(zoneID, hostname string, b cfapi.Binding, gone bool) {
	if gone {
		b = cfapi.Binding{Hostname: hostname, Status: cfapi.StatusDeleted}
	}
	a.last.Store(zoneID+"/"+hostname, b)
}

// forget drops what is known of hostname: a write changes it. The time is
// kept, so that a wait polls hostnames written earlier first.
func (a *associationWatch) forget(zoneID, hostname string) {
	a.last.Delete(zoneID + "/" + hostname)
	a.wrote.Store(zoneID+"/"+hostname, time.Now())
}

// writtenAt is when this process last wrote hostname (zero if it did not).
func (a *associationWatch) writtenAt(zoneID, hostname string) time.Time {
	if v, ok := a.wrote.Load(zoneID + "/" + hostname); ok {
		return v.(time.Time)
	}
	return time.Time{}
}

// unlessSettled appends t to targets unless the latest read of its
// hostname already shows it done. Writes forget what was read, so such a
// read was taken after this process's last write of the hostname: a
// rotation's certificate deletions then cost no request for hostnames the
// deployment wait has already seen active on their new certificate.
func (a *associationWatch) unlessSettled(zoneID string, targets []deploywait.Target, t deploywait.Target) []deploywait.Target {
	if b, ok := a.lastSeen(zoneID, t.Key); ok && targetDone(t, b, b.Status == cfapi.StatusDeleted) {
		return targets
	}
	return append(targets, t)
}

// targetDone says whether association b (gone when it no longer exists)
// satisfies t.
func targetDone(t deploywait.Target, b cfapi.Binding, gone bool) bool {
	if cert, ok := strings.CutPrefix(t.Group, groupOn); ok {
		return !gone && b.CertID == cert && b.Status == cfapi.StatusActive
	}
	cert := strings.TrimPrefix(t.Group, groupOff)
	return gone || (b.CertID != cert && b.Status == cfapi.StatusActive)
}

func (a *associationWatch) check(ctx context.Context, zoneID string, t deploywait.Target) (bool, string, error) {
	got, err := a.client.GetBinding(ctx, zoneID, t.Key)
	gone := cfapi.IsNotFound(err) || (err == nil && got.Status == cfapi.StatusDeleted)
	if err != nil && !gone {
		return false, "", err
	}
	a.remember(zoneID, t.Key, got, gone)
	status := "not bound"
	if !gone {
		status = got.Status + " on " + got.CertID
	}
	done := targetDone(t, got, gone)
	tflog.Debug(ctx, "Polled hostname association", map[string]any{"zone_id": zoneID, "hostname": t.Key, "status": status, "done": done})
	return done, status, nil
}

// readMany reads the association of every hostname, readConcurrency at a
// time, and returns those that exist (disabled ones included) by hostname. With
// reuse, a hostname read earlier in this process since its last write is
// not read again: Terraform refreshes bindings before the
// cfaop_hostname_deployment that references them, so a no-change plan
// reads each hostname once.
func (a *associationWatch) readMany(ctx context.Context, zoneID string, hostnames []string, reuse bool) (map[string]cfapi.Binding, error) {
	hosts := slices.Sorted(slices.Values(hostnames))
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
		out      = map[string]cfapi.Binding{}
		sem      = make(chan struct{}, readConcurrency)
	)
	for _, h := range hosts {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			got, seen := a.lastSeen(zoneID, h)
			var err error
			if !reuse || !seen {
				got, err = a.client.GetBinding(ctx, zoneID, h)
			}
			gone := cfapi.IsNotFound(err) || (err == nil && isDeletedStatus(got.Status))
			if err == nil || gone {
				a.remember(zoneID, h, got, gone)
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case gone:
				tflog.Warn(ctx, "Hostname is no longer bound", map[string]any{"zone_id": zoneID, "hostname": h})
			case err != nil:
				if firstErr == nil {
					firstErr = err
				}
			default:
				out[h] = got
			}
		}()
	}
	wg.Wait()
	return out, firstErr
}

// isWaitTimeout says whether a wait for associations failed because its
// deadline came (raising the timeout may help), not because a poll failed
// (an API error, reported as such: a missing permission, say).
func isWaitTimeout(err error) bool {
	var pending *deploywait.PendingError
	return errors.As(err, &pending) || errors.Is(err, context.DeadlineExceeded)
}
