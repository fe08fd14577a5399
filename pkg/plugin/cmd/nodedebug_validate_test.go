package cmd

import (
	"testing"
	"time"
)

// nodeValidateCase is one row of a Validate table: the options after the
// flags and arguments were set, and the exact error ("" = valid).
type nodeValidateCase struct {
	name string
	v    interface{ Validate() error }
	want string
}

func runNodeValidateTable(t *testing.T, cases []nodeValidateCase) {
	t.Helper()
	for _, tc := range cases {
		err := tc.v.Validate()
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s: Validate() = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// withSet is o after set (nil: as constructed).
func withSet[T any](o T, set func(T)) T {
	if set != nil {
		set(o)
	}
	return o
}

const chooseNodesOneWay = "choose the nodes one way: NODE..., --all, -l SELECTOR, or --local"

func TestNodeDebugValidate(t *testing.T) {
	g := &Globals{}
	info := func(args []string, set func(*NodeDebugInfoOptions)) *NodeDebugInfoOptions {
		o := NewNodeDebugInfoOptions(g)
		o.args = args
		return withSet(o, set)
	}
	gpuOpts := func(args []string, set func(*GPUOptions)) *GPUOptions {
		o := NewGPUOptions(g)
		o.args = args
		return withSet(o, set)
	}
	health := func(args []string, set func(*HealthOptions)) *HealthOptions {
		o := NewHealthOptions(g)
		o.args = args
		return withSet(o, set)
	}
	shell := func(node string, command []string, dash int, set func(*NodeDebugShellOptions)) *NodeDebugShellOptions {
		o := NewNodeDebugShellOptions(g)
		o.Node, o.Command, o.dash = node, command, dash
		return withSet(o, set)
	}
	runNodeValidateTable(t, []nodeValidateCase{
		{"info: one node", info([]string{"n1"}, nil), ""},
		{"info: --all", info(nil, func(o *NodeDebugInfoOptions) { o.Nodes.All = true }), ""},
		{"info: --local", info(nil, func(o *NodeDebugInfoOptions) { o.Nodes.Local = true }), ""},
		{"info: no nodes", info(nil, nil), chooseNodesOneWay},
		{"info: NODE and --all", info([]string{"n1"}, func(o *NodeDebugInfoOptions) { o.Nodes.All = true }), chooseNodesOneWay},
		{"info: -l and --local", info(nil, func(o *NodeDebugInfoOptions) { o.Nodes.Selector, o.Nodes.Local = "a=b", true }), chooseNodesOneWay},
		{"info: bad selector", info(nil, func(o *NodeDebugInfoOptions) { o.Nodes.Selector = "a in (" }),
			`-l "a in (" is not a valid label selector: unable to parse requirement: found '', expected: ',', ')' or identifier`},
		{"info: --parallel 0", info([]string{"n1"}, func(o *NodeDebugInfoOptions) { o.Nodes.Parallel = 0 }), "--parallel must be at least 1, got 0"},
		{"info: --pod-timeout 0", info([]string{"n1"}, func(o *NodeDebugInfoOptions) { o.Nodes.PodTimeout = 0 }), "--pod-timeout must be positive, got 0s"},
		{"info: --chunk-size -1", info([]string{"n1"}, func(o *NodeDebugInfoOptions) { o.Nodes.ChunkSize = -1 }), "--chunk-size must be 0 or positive, got -1"},
		{"info: --local on a missing root", info(nil, func(o *NodeDebugInfoOptions) { o.Nodes.Local, o.Nodes.HostRoot = true, "/no/such/root" }),
			"--host-root /no/such/root: no such directory"},
		{"info: --jq with -o yaml", info([]string{"n1"}, func(o *NodeDebugInfoOptions) {
			o.Output.JQExpr, *o.Output.PrintFlags.OutputFormat = ".", "yaml"
		}), "--jq filters JSON output and cannot be combined with -o yaml: drop -o or use -o json"},

		{"gpu: --all", gpuOpts(nil, func(o *GPUOptions) { o.Nodes.All = true }), ""},
		{"gpu: no nodes", gpuOpts(nil, nil), chooseNodesOneWay},
		{"gpu: --tool-timeout 0", gpuOpts([]string{"n1"}, func(o *GPUOptions) { o.ToolTimeout = 0 }), "--tool-timeout must be positive, got 0s"},
		{"gpu: --tool-timeout -1s", gpuOpts([]string{"n1"}, func(o *GPUOptions) { o.ToolTimeout = -time.Second }), "--tool-timeout must be positive, got -1s"},

		{"health: -l", health(nil, func(o *HealthOptions) { o.Nodes.Selector = "a=b" }), ""},
		{"health: two checks", health([]string{"n1"}, func(o *HealthOptions) { o.Checks = []string{"pids", "kubelet"} }), ""},
		{"health: no nodes", health(nil, nil), chooseNodesOneWay},
		{"health: unknown check", health([]string{"n1"}, func(o *HealthOptions) { o.Checks = []string{"pids", "nope"} }),
			"unknown node check(s) nope: the checks are " + joinNames()},
		{"health: --oom-window 0", health([]string{"n1"}, func(o *HealthOptions) { o.Check.OOMWindow = 0 }), "--oom-window must be positive, got 0s"},
		{"health: --pid-pressure 0", health([]string{"n1"}, func(o *HealthOptions) { o.Check.PIDPressure = 0 }), "--pid-pressure is a percentage from 1 to 100, got 0"},
		{"health: --pid-pressure 101", health([]string{"n1"}, func(o *HealthOptions) { o.Check.PIDPressure = 101 }), "--pid-pressure is a percentage from 1 to 100, got 101"},
		{"health: --kubelet-config without --local", health([]string{"n1"}, func(o *HealthOptions) { o.KubeletConfig = "/var/lib/kubelet/config.yaml" }),
			"--kubelet-config is for --local: on a cluster the kubelet's live configuration is read through the API server"},
		{"health: --kubelet-config with --local", health(nil, func(o *HealthOptions) { o.Nodes.Local, o.KubeletConfig = true, "/var/lib/kubelet/config.yaml" }), ""},

		{"shell: a node", shell("n1", nil, -1, nil), ""},
		{"shell: a command after --", shell("n1", []string{"uname", "-a"}, 1, nil), ""},
		{"shell: a command without --", shell("n1", []string{"uname"}, -1, nil), "shell takes one NODE; put the command after --, e.g. shell NODE -- uname -a"},
		{"shell: two nodes before --", shell("n1", []string{"n2", "uname"}, 2, nil), "shell takes one NODE; put the command after --, e.g. shell NODE -- uname -a"},
		{"shell: --pod-timeout 0", shell("n1", nil, -1, func(o *NodeDebugShellOptions) { o.Nodes.PodTimeout = 0 }), "--pod-timeout must be positive, got 0s"},
	})
}
