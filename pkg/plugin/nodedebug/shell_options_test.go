package nodedebug

import (
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli/clitest"
)

// TestNodeShellValidate: `node-debug shell` takes one NODE, and its command
// only after --; each bad input is one sentence, found before any I/O.
func TestNodeShellValidate(t *testing.T) {
	const oneNode = "shell takes one NODE; put the command after --, e.g. shell NODE -- uname -a"
	clitest.ValidateTable(t, NewNodeShellOptions, []clitest.Case[*NodeShellOptions]{
		{Name: "a node", Set: func(o *NodeShellOptions) { o.Node = "n1" }},
		{Name: "a command after --", Set: func(o *NodeShellOptions) { o.Node, o.Command, o.dash = "n1", []string{"uname", "-a"}, 1 }},
		{Name: "a command without --", Set: func(o *NodeShellOptions) { o.Node, o.Command = "n1", []string{"uname"} }, Want: oneNode},
		{Name: "two nodes before --", Set: func(o *NodeShellOptions) { o.Node, o.Command, o.dash = "n1", []string{"n2", "uname"}, 2 }, Want: oneNode},
		{Name: "--pod-timeout 0", Set: func(o *NodeShellOptions) { o.Node, o.Nodes.PodTimeout = "n1", 0 }, Want: "--pod-timeout must be positive, got 0s"},
	})
}
