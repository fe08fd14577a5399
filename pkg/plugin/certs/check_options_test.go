package certs

import (
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// TestCheckValidate: each bad input of `certs check` is the exact sentence
// the operator reads, found before any I/O.
func TestCheckValidate(t *testing.T) {
	check := func(args []string, set func(*CheckOptions)) *CheckOptions {
		o := NewCheckOptions(&cli.Globals{})
		o.args = args
		if set != nil {
			set(o)
		}
		return o
	}
	const oneWay = "choose the nodes one way: NODE..., --all, -l SELECTOR, or --local (default: the node-role.kubernetes.io/control-plane nodes)"
	for _, tc := range []struct {
		name string
		o    *CheckOptions
		want string
	}{
		{"the control plane by default", check(nil, nil), ""},
		{"nodes and a window", check([]string{"cp-1"}, func(o *CheckOptions) { o.Warn = "30d" }), ""},
		{"--local", check(nil, func(o *CheckOptions) { o.Nodes.Local = true }), ""},
		{"NODE and --all", check([]string{"cp-1"}, func(o *CheckOptions) { o.Nodes.All = true }), oneWay},
		{"-l and --local", check(nil, func(o *CheckOptions) { o.Nodes.Selector, o.Nodes.Local = "a=b", true }), oneWay},
		{"a relative node path", check(nil, func(o *CheckOptions) { o.Nodes.KubernetesDir = "etc/kubernetes" }), `node paths must be absolute, got "etc/kubernetes"`},
		{"a bad --warn", check(nil, func(o *CheckOptions) { o.Warn = "soon" }), `--warn takes days (30d) or a duration (720h), got "soon"`},
		{"a negative --warn", check(nil, func(o *CheckOptions) { o.Warn = "-1d" }), `--warn must not be negative, got "-1d"`},
		{"--parallel 0", check(nil, func(o *CheckOptions) { o.Nodes.Parallel = 0 }), "--parallel must be at least 1, got 0"},
	} {
		got := ""
		if err := tc.o.Validate(); err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s: Validate() = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestCheckExit: what could not be read is a failure (1) even when findings
// were made too; findings alone are 3; kubeadm's 0 for expired
// certificates is what this exit policy exists to avoid.
func TestCheckExit(t *testing.T) {
	for _, tc := range []struct {
		n    Counts
		code int
	}{
		{Counts{}, cli.ExitOK},
		{Counts{Findings: 2}, cli.ExitFindings},
		{Counts{Errors: 1}, cli.ExitFailure},
		{Counts{NodeErrors: 1, Findings: 4}, cli.ExitFailure},
	} {
		if got := cli.CodeOf(checkExit(tc.n)); got != tc.code {
			t.Errorf("%+v: exit %d, want %d", tc.n, got, tc.code)
		}
	}
}
