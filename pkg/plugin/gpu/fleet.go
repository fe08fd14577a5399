package gpu

import (
	"context"
	"sort"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
)

// FleetOptions are CheckNodes'.
type FleetOptions struct {
	// Names, All and Selector choose the nodes, one way; All means the GPU
	// nodes (IsGPUNode).
	Names    []string
	All      bool
	Selector string
	// Debug configures the debug pods.
	Debug nodedebug.Options
	// Check is passed to each node's agent.
	Check Options
}

// NoGPUNodes is CheckNodes' note when All finds no GPU node.
const NoGPUNodes = "no node advertises nvidia.com/gpu or carries an akash.network/capabilities.gpu.* label; name nodes to check them anyway"

// CheckNodes reads the cluster once, chooses the nodes from that read,
// runs Agent on each through a debug pod and joins each report with the
// cluster's side. With All and no GPU node it returns no node and
// NoGPUNodes as its note.
func CheckNodes(ctx context.Context, c *cli.Clients, o FleetOptions) (nodes []GPUNode, note string, err error) {
	view, err := ReadCluster(ctx, c)
	if err != nil {
		return nil, "", err
	}
	names := o.Names
	if o.All {
		for name, n := range view.Nodes {
			if IsGPUNode(n) {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		if len(names) == 0 {
			return nil, NoGPUNodes, nil
		}
	}
	listed := make([]corev1.Node, 0, len(view.Nodes))
	for _, n := range view.Nodes {
		listed = append(listed, *n)
	}
	ready, problems, err := nodedebug.ChooseNodes(listed, names, o.Selector)
	if err != nil {
		return nil, "", err
	}
	results := nodedebug.RunChosen(ctx, c, o.Debug, ready, problems, Agent.Argv(o.Check))
	nodes = make([]GPUNode, 0, len(results))
	for _, r := range results {
		n := FromAnswer(r.Answer())
		Join(&n, view)
		nodes = append(nodes, n)
	}
	return nodes, "", nil
}

// ExitCode is `node-debug gpu`'s: 1 when a node could not be checked, 3
// when one is Unhealthy, else 0 (Degraded is warnings only). The nodes
// must have been assessed.
func ExitCode(nodes []GPUNode) int {
	code := cli.ExitOK
	for _, n := range nodes {
		switch n.Status.Verdict {
		case VerdictUnknown:
			return cli.ExitFailure
		case VerdictUnhealthy:
			code = cli.ExitFindings
		}
	}
	return code
}
