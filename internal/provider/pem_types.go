package provider

import (
	"context"
	"crypto"
	"encoding/pem"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
)

// PEM strings compare by content, not by text: after a read or an apply the
// framework keeps the configured text when it encodes the same thing, so CRLF
// line ends, indentation or a trailing newline never show up as a change.
// One generic string type serves both kinds; the kind decides what "the
// same" means. Plans of a re-formatted configuration keep the text in state
// through keepSamePEM, since the framework compares only returned values.

type (
	certificatePEMType = pemType[certificateContent]
	certificatePEM     = pemValue[certificateContent]
	privateKeyPEMType  = pemType[privateKeyContent]
	privateKeyPEM      = pemValue[privateKeyContent]
)

var (
	_ basetypes.StringTypable                    = certificatePEMType{}
	_ basetypes.StringValuableWithSemanticEquals = certificatePEM{}
	_ basetypes.StringTypable                    = privateKeyPEMType{}
	_ basetypes.StringValuableWithSemanticEquals = privateKeyPEM{}
)

// pemContent says when two PEM texts hold the same thing, and how a value
// of the kind may be shown.
type pemContent interface {
	same(a, b string) bool
	name() string
	show(v basetypes.StringValue) string
}

// certificateContent compares certificates by DER.
type certificateContent struct{}

func (certificateContent) same(a, b string) bool { return pemcert.SemanticallyEqual(a, b) }
func (certificateContent) name() string          { return "certificatePEM" }

// Certificates are public: they print as any string does.
func (certificateContent) show(v basetypes.StringValue) string { return v.String() }

// privateKeyContent compares keys by the key they encode, so the same key in
// PKCS#1 or PKCS#8 form is the same value.
type privateKeyContent struct{}

func (privateKeyContent) same(a, b string) bool { return sameKey(a, b) }
func (privateKeyContent) name() string          { return "privateKeyPEM" }

// redactedPrivateKey is what a known private key value prints as.
const redactedPrivateKey = `"<sensitive private key>"`

// A key never prints: the framework logs String() of custom-typed values at
// TRACE (around every semantic equality check), and fmt verbs reach it too.
// Null and unknown keep their usual markers, which say nothing secret.
func (privateKeyContent) show(v basetypes.StringValue) string {
	if v.IsNull() || v.IsUnknown() {
		return v.String()
	}
	return redactedPrivateKey
}

type pemType[K pemContent] struct{ basetypes.StringType }

func (t pemType[K]) Equal(o attr.Type) bool { _, ok := o.(pemType[K]); return ok }

func (t pemType[K]) String() string {
	var k K
	return k.name() + "Type"
}

func (t pemType[K]) ValueType(context.Context) attr.Value { return pemValue[K]{} }

func (t pemType[K]) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return pemValue[K]{StringValue: in}, nil
}

func (t pemType[K]) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return pemValue[K]{StringValue: s}, nil
}

type pemValue[K pemContent] struct{ basetypes.StringValue }

func (v pemValue[K]) Type(context.Context) attr.Type { return pemType[K]{} }

// String is what logs and fmt print; the kind decides (see show).
func (v pemValue[K]) String() string {
	var k K
	return k.show(v.StringValue)
}

// GoString covers %#v, which would otherwise print the struct's fields.
func (v pemValue[K]) GoString() string { return v.String() }

func (v pemValue[K]) Equal(o attr.Value) bool {
	other, ok := o.(pemValue[K])
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v pemValue[K]) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	newValue, ok := newValuable.(pemValue[K])
	if !ok {
		return false, nil
	}
	var k K
	return k.same(v.ValueString(), newValue.ValueString()), nil
}

// sameKey reports whether two PEM texts hold the same private key.
func sameKey(a, b string) bool {
	ka, err := pemcert.ParsePrivateKey(a)
	if err != nil {
		return false
	}
	kb, err := pemcert.ParsePrivateKey(b)
	if err != nil {
		return false
	}
	ea, ok := ka.(interface{ Equal(crypto.PrivateKey) bool })
	return ok && ea.Equal(kb)
}

// canonicalPEM re-encodes a certificate, so what is sent never carries the
// configuration's whitespace or surrounding text.
func canonicalPEM(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
