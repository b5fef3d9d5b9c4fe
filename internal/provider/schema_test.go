package provider

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// Every attribute is described and every entity has its example, so the
// generated docs are never thin.
func TestSchemasDescribedAndExampled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := New("test")()
	var pResp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &pResp)
	for name, a := range pResp.Schema.Attributes {
		if a.GetMarkdownDescription() == "" {
			t.Errorf("provider attribute %s has no description", name)
		}
	}
	requireFile(t, "../../examples/provider/provider.tf")

	for _, f := range p.Resources(ctx) {
		r := f()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "cfaop"}, &meta)
		var s resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &s)
		if s.Schema.MarkdownDescription == "" {
			t.Errorf("resource %s has no description", meta.TypeName)
		}
		checkResourceAttributes(t, meta.TypeName, s.Schema.Attributes)
		requireFile(t, filepath.Join("../../examples/resources", meta.TypeName, "resource.tf"))
		if _, ok := r.(resource.ResourceWithImportState); ok {
			requireFile(t, filepath.Join("../../examples/resources", meta.TypeName, "import.sh"))
		}
	}
	for _, f := range p.DataSources(ctx) {
		d := f()
		var meta datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "cfaop"}, &meta)
		var s datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &s)
		if s.Schema.MarkdownDescription == "" {
			t.Errorf("data source %s has no description", meta.TypeName)
		}
		checkDataSourceAttributes(t, meta.TypeName, s.Schema.Attributes)
		requireFile(t, filepath.Join("../../examples/data-sources", meta.TypeName, "data-source.tf"))
	}
}

func checkResourceAttributes(t *testing.T, owner string, attrs map[string]rschema.Attribute) {
	t.Helper()
	for name, a := range attrs {
		if a.GetMarkdownDescription() == "" {
			t.Errorf("%s attribute %s has no description", owner, name)
		}
		if n, ok := a.(rschema.ListNestedAttribute); ok {
			checkResourceAttributes(t, owner+"."+name, n.NestedObject.Attributes)
		}
	}
}

func checkDataSourceAttributes(t *testing.T, owner string, attrs map[string]dsschema.Attribute) {
	t.Helper()
	for name, a := range attrs {
		if a.GetMarkdownDescription() == "" {
			t.Errorf("%s attribute %s has no description", owner, name)
		}
		if n, ok := a.(dsschema.ListNestedAttribute); ok {
			checkDataSourceAttributes(t, owner+"."+name, n.NestedObject.Attributes)
		}
	}
}

func requireFile(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("missing example %s", path)
	}
}
