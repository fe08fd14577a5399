package cmd

import "testing"

func TestCertsCheckValidate(t *testing.T) {
	check := func(args []string, set func(*CertsCheckOptions)) *CertsCheckOptions {
		o := NewCertsCheckOptions(&Globals{})
		o.args = args
		return withSet(o, set)
	}
	const oneWay = "choose the nodes one way: NODE..., --all-nodes, -l SELECTOR, or --local (default: the node-role.kubernetes.io/control-plane nodes)"
	runNodeValidateTable(t, []nodeValidateCase{
		{"the control plane by default", check(nil, nil), ""},
		{"nodes and a window", check([]string{"cp-1"}, func(o *CertsCheckOptions) { o.Warn = "30d" }), ""},
		{"--local", check(nil, func(o *CertsCheckOptions) { o.Nodes.Local = true }), ""},
		{"NODE and --all-nodes", check([]string{"cp-1"}, func(o *CertsCheckOptions) { o.Nodes.All = true }), oneWay},
		{"-l and --local", check(nil, func(o *CertsCheckOptions) { o.Nodes.Selector, o.Nodes.Local = "a=b", true }), oneWay},
		{"a relative node path", check(nil, func(o *CertsCheckOptions) { o.Nodes.KubernetesDir = "etc/kubernetes" }), `node paths must be absolute, got "etc/kubernetes"`},
		{"a bad --warn", check(nil, func(o *CertsCheckOptions) { o.Warn = "soon" }), `--warn takes days (30d) or a duration (720h), got "soon"`},
		{"a negative --warn", check(nil, func(o *CertsCheckOptions) { o.Warn = "-1d" }), `--warn must not be negative, got "-1d"`},
		{"--parallel 0", check(nil, func(o *CertsCheckOptions) { o.Nodes.Parallel = 0 }), "--parallel must be at least 1, got 0"},
	})
}
