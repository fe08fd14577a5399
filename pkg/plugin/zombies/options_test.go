package zombies

import (
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli/clitest"
)

// TestNodeDebugZombiesValidate: each bad input of `node-debug zombies` is
// one sentence, found before any I/O.
func TestNodeDebugZombiesValidate(t *testing.T) {
	cases := []struct {
		name string
		set  func(o *ZombiesOptions)
		want string
	}{
		{"nodes by name", func(o *ZombiesOptions) { o.Args = []string{"node-1", "node-2"} }, ""},
		{"every node", func(o *ZombiesOptions) { o.Nodes.All = true }, ""},
		{"nodes by selector", func(o *ZombiesOptions) { o.Nodes.Selector = "pool=gpu" }, ""},
		{"this machine", func(o *ZombiesOptions) { o.Nodes.Local = true }, ""},
		{"kill, widened", func(o *ZombiesOptions) {
			o.Nodes.All, o.Kill, o.Namespaces, o.AllowContainerRestart = true, true, []string{"kube-system", "ingress-nginx"}, true
		}, ""},
		{"kill everywhere", func(o *ZombiesOptions) { o.Nodes.All, o.Kill, o.AllNamespaces = true, true, true }, ""},
		{"no nodes", func(o *ZombiesOptions) {}, "choose the nodes one way: NODE..., --all, -l SELECTOR, or --local"},
		{"names and this machine", func(o *ZombiesOptions) { o.Args, o.Nodes.Local = []string{"node-1"}, true },
			"choose the nodes one way: NODE..., --all, -l SELECTOR, or --local"},
		{"every node and a selector", func(o *ZombiesOptions) { o.Nodes.All, o.Nodes.Selector = true, "pool=gpu" },
			"choose the nodes one way: NODE..., --all, -l SELECTOR, or --local"},
		{"bad selector", func(o *ZombiesOptions) { o.Nodes.Selector = "pool=(" },
			`-l "pool=(" is not a valid label selector: unable to parse requirement: found '(', expected: identifier`},
		{"no parallelism", func(o *ZombiesOptions) { o.Nodes.All, o.Nodes.Parallel = true, 0 }, "--parallel must be at least 1, got 0"},
		{"negative chunk size", func(o *ZombiesOptions) { o.Nodes.All, o.Nodes.ChunkSize = true, -1 }, "--chunk-size must be 0 or positive, got -1"},
		{"unknown output", func(o *ZombiesOptions) { o.Nodes.All, *o.Output.PrintFlags.OutputFormat = true, "yamll" },
			`unknown output format "yamll": use one of custom-columns, custom-columns-file, go-template, go-template-file, json, jsonpath, jsonpath-as-json, jsonpath-file, kyaml, name, template, templatefile, wide, yaml`},
		{"empty field manager", func(o *ZombiesOptions) { o.Nodes.All, o.Exec.FieldManager = true, " " }, "--field-manager must not be empty"},
		{"no grace", func(o *ZombiesOptions) { o.Nodes.All, o.Kill, o.Grace = true, true, 0 }, "--grace must be positive, got 0s"},
		{"negative grace", func(o *ZombiesOptions) { o.Nodes.All, o.Grace = true, -time.Second }, "--grace must be positive, got -1s"},
		{"pressure above 100", func(o *ZombiesOptions) { o.Nodes.All, o.PIDPressure = true, 101 }, "--pid-pressure is a percentage from 1 to 100, got 101"},
		{"no pressure", func(o *ZombiesOptions) { o.Nodes.All, o.PIDPressure = true, 0 }, "--pid-pressure is a percentage from 1 to 100, got 0"},
		{"namespace without kill", func(o *ZombiesOptions) { o.Nodes.All, o.Namespaces = true, []string{"kube-system"} },
			"--namespace and --all-namespaces say which pods --kill may signal; the report always shows every zombie: add --kill or drop them"},
		{"all namespaces without kill", func(o *ZombiesOptions) { o.Nodes.All, o.AllNamespaces = true, true },
			"--namespace and --all-namespaces say which pods --kill may signal; the report always shows every zombie: add --kill or drop them"},
		{"not a namespace name", func(o *ZombiesOptions) {
			o.Nodes.All, o.Kill, o.Namespaces = true, true, []string{"kube-system", "Kube_System"}
		},
			`--namespace "Kube_System" is not a namespace name: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`},
		{"kill on a copy of /proc", func(o *ZombiesOptions) { o.Nodes.Local, o.Nodes.ProcRoot, o.Kill = true, "/srv/proc-copy", true },
			"--kill signals this machine's processes: it cannot be combined with a --proc-root other than /proc"},
		{"a copy of /proc without kill", func(o *ZombiesOptions) { o.Nodes.Local, o.Nodes.ProcRoot = true, "/srv/proc-copy" }, ""},
		{"/proc spelt otherwise", func(o *ZombiesOptions) { o.Nodes.Local, o.Nodes.ProcRoot, o.Kill = true, "/proc/", true }, ""},
		{"--proc-root is --local's", func(o *ZombiesOptions) { o.Nodes.All, o.Nodes.ProcRoot, o.Kill = true, "/srv/proc-copy", true }, ""},
	}
	table := make([]clitest.Case[*ZombiesOptions], len(cases))
	for i, c := range cases {
		table[i] = clitest.Case[*ZombiesOptions]{Name: c.name, Set: c.set, Want: c.want}
	}
	clitest.ValidateTable(t, NewZombiesOptions, table)
}
