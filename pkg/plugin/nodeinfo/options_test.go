package nodeinfo

import (
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli/clitest"
)

const chooseNodesOneWay = "choose the nodes one way: NODE..., --all, -l SELECTOR, or --local"

// TestInfoValidate: each bad input of `node-debug info`, and of the node
// flags every node command shares, is one sentence found before any I/O.
func TestInfoValidate(t *testing.T) {
	clitest.ValidateTable(t, NewInfoOptions, []clitest.Case[*InfoOptions]{
		{Name: "one node", Set: func(o *InfoOptions) { o.Args = []string{"n1"} }},
		{Name: "--all", Set: func(o *InfoOptions) { o.Nodes.All = true }},
		{Name: "--local", Set: func(o *InfoOptions) { o.Nodes.Local = true }},
		{Name: "no nodes", Set: func(o *InfoOptions) {}, Want: chooseNodesOneWay},
		{Name: "NODE and --all", Set: func(o *InfoOptions) { o.Args, o.Nodes.All = []string{"n1"}, true }, Want: chooseNodesOneWay},
		{Name: "-l and --local", Set: func(o *InfoOptions) { o.Nodes.Selector, o.Nodes.Local = "a=b", true }, Want: chooseNodesOneWay},
		{Name: "bad selector", Set: func(o *InfoOptions) { o.Nodes.Selector = "a in (" },
			Want: `-l "a in (" is not a valid label selector: unable to parse requirement: found '', expected: ',', ')' or identifier`},
		{Name: "--parallel 0", Set: func(o *InfoOptions) { o.Args, o.Nodes.Parallel = []string{"n1"}, 0 }, Want: "--parallel must be at least 1, got 0"},
		{Name: "--pod-timeout 0", Set: func(o *InfoOptions) { o.Args, o.Nodes.PodTimeout = []string{"n1"}, 0 }, Want: "--pod-timeout must be positive, got 0s"},
		{Name: "--chunk-size -1", Set: func(o *InfoOptions) { o.Args, o.Nodes.ChunkSize = []string{"n1"}, -1 }, Want: "--chunk-size must be 0 or positive, got -1"},
		{Name: "--local on a missing root", Set: func(o *InfoOptions) { o.Nodes.Local, o.Nodes.HostRoot = true, "/no/such/root" },
			Want: "--host-root /no/such/root: no such directory"},
		{Name: "--jq with -o yaml", Set: func(o *InfoOptions) {
			o.Args, o.Output.JQExpr, *o.Output.PrintFlags.OutputFormat = []string{"n1"}, ".", "yaml"
		}, Want: "--jq filters JSON output and cannot be combined with -o yaml: drop -o or use -o json"},
	})
}
