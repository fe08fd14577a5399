package plugins

import (
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// TestPluginsValidate: the flags of plugins list and of a plugins.yaml
// command, checked without a cluster: each bad one is the exact sentence.
func TestPluginsValidate(t *testing.T) {
	g, loaded := &cli.Globals{}, &Commands{Set: &Set{Entries: []*Entry{{Name: "lease-images", Short: "x"}, {Name: "tenant-leases", Short: "y"}}}}
	formats := "use one of custom-columns, custom-columns-file, go-template, go-template-file, json, jsonpath, jsonpath-as-json, jsonpath-file, kyaml, name, template, templatefile, wide, yaml"
	for _, c := range []struct {
		name string
		set  func(o *ListOptions)
		want string
	}{
		{"all", func(*ListOptions) {}, ""},
		{"some", func(o *ListOptions) { o.Names = []string{"tenant-leases", "lease-images"} }, ""},
		{"unknown name", func(o *ListOptions) { o.Names = []string{"lease-images", "nope"} },
			`no plugin command "nope": kubectl akash plugins list shows the ones loaded`},
		{"bad output", func(o *ListOptions) { *o.Output.PrintFlags.OutputFormat = "xml" }, `unknown output format "xml": ` + formats},
		{"jq with yaml", func(o *ListOptions) { *o.Output.PrintFlags.OutputFormat, o.Output.JQExpr = "yaml", "." },
			"--jq filters JSON output and cannot be combined with -o yaml: drop -o or use -o json"},
	} {
		o := NewListOptions(g, loaded)
		c.set(o)
		if got := errSentence(o.Validate()); got != c.want {
			t.Errorf("plugins list, %s: got %q, want %q", c.name, got, c.want)
		}
	}
	for _, c := range []struct {
		name string
		set  func(o *Options)
		want string
	}{
		{"defaults", func(*Options) {}, ""},
		{"selector", func(o *Options) { o.List.Selector = "app=web,tier!=db" }, ""},
		{"bad selector", func(o *Options) { o.List.Selector = "a b" },
			`-l/--selector "a b" is not a label selector: unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt`},
		{"bad field selector", func(o *Options) { o.List.FieldSelector = "status.phase" },
			`--field-selector "status.phase" is not a field selector: invalid selector: 'status.phase'; can't understand 'status.phase'`},
		{"chunk size", func(o *Options) { o.List.ChunkSize = -1 }, "--chunk-size must be 0 or positive, got -1"},
		{"bad output", func(o *Options) { *o.Output.PrintFlags.OutputFormat = "xml" }, `unknown output format "xml": ` + formats},
	} {
		o := NewOptions(g, loaded.Set.Entries[0])
		c.set(o)
		if got := errSentence(o.Validate()); got != c.want {
			t.Errorf("plugin command, %s: got %q, want %q", c.name, got, c.want)
		}
	}
}

// errSentence is an error's sentence ("" for none).
func errSentence(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
