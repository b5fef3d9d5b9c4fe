package provider

import (
	"context"
	"crypto"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cfaop/terraform-provider-cfaop/internal/pemcert"
)

// PEM strings compare by content, not by text: after a read or an apply the
// framework keeps the configured text when it encodes the same DER, so CRLF
// line ends, indentation or a trailing newline never show up as a change.

var (
	_ basetypes.StringTypable                    = certificatePEMType{}
	_ basetypes.StringValuableWithSemanticEquals = certificatePEM{}
	_ basetypes.StringTypable                    = privateKeyPEMType{}
	_ basetypes.StringValuableWithSemanticEquals = privateKeyPEM{}
)

type certificatePEMType struct{ basetypes.StringType }

func (t certificatePEMType) Equal(o attr.Type) bool { _, ok := o.(certificatePEMType); return ok }
func (t certificatePEMType) String() string         { return "certificatePEMType" }
func (t certificatePEMType) ValueType(context.Context) attr.Value {
	return certificatePEM{}
}

func (t certificatePEMType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return certificatePEM{StringValue: in}, nil
}

func (t certificatePEMType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return certificatePEM{StringValue: s}, nil
}

// certificatePEM is a PEM certificate compared by its DER.
type certificatePEM struct{ basetypes.StringValue }

func (v certificatePEM) Type(context.Context) attr.Type { return certificatePEMType{} }

func (v certificatePEM) Equal(o attr.Value) bool {
	other, ok := o.(certificatePEM)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v certificatePEM) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	newValue, ok := newValuable.(certificatePEM)
	if !ok {
		return false, nil
	}
	return pemcert.SemanticallyEqual(v.ValueString(), newValue.ValueString()), nil
}

type privateKeyPEMType struct{ basetypes.StringType }

func (t privateKeyPEMType) Equal(o attr.Type) bool { _, ok := o.(privateKeyPEMType); return ok }
func (t privateKeyPEMType) String() string         { return "privateKeyPEMType" }
func (t privateKeyPEMType) ValueType(context.Context) attr.Value {
	return privateKeyPEM{}
}

func (t privateKeyPEMType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return privateKeyPEM{StringValue: in}, nil
}

func (t privateKeyPEMType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return privateKeyPEM{StringValue: s}, nil
}

// privateKeyPEM is a PEM private key compared by the key it encodes, so the
// same key in PKCS#1 or PKCS#8 form is the same value.
type privateKeyPEM struct{ basetypes.StringValue }

func (v privateKeyPEM) Type(context.Context) attr.Type { return privateKeyPEMType{} }

func (v privateKeyPEM) Equal(o attr.Value) bool {
	other, ok := o.(privateKeyPEM)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v privateKeyPEM) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	newValue, ok := newValuable.(privateKeyPEM)
	if !ok {
		return false, nil
	}
	return sameKey(v.ValueString(), newValue.ValueString()), nil
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
