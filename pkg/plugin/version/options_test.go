package version

import (
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// TestVersionValidate: version takes the output flags only.
func TestVersionValidate(t *testing.T) {
	for _, c := range []struct {
		output, jq, want string
	}{
		{"", "", ""},
		{"wide", "", ""},
		{"json", ".version", ""},
		{"yaml", ".version", "--jq filters JSON output and cannot be combined with -o yaml: drop -o or use -o json"},
		{"xml", "", `unknown output format "xml": use one of custom-columns, custom-columns-file, go-template, go-template-file, json, jsonpath, jsonpath-as-json, jsonpath-file, kyaml, name, template, templatefile, wide, yaml`},
	} {
		o := NewOptions(&genericiooptions.IOStreams{})
		*o.Output.PrintFlags.OutputFormat, o.Output.JQExpr = c.output, c.jq
		got := ""
		if err := o.Validate(); err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("-o %q --jq %q: got %q, want %q", c.output, c.jq, got, c.want)
		}
	}
}
