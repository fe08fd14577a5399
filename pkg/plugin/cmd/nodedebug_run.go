package cmd

import (
	"context"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
)

// RunOnNodes is the fleet path every node-debug check shares: it resolves the
// nodes (NODE args, --all or -l; one LIST), runs argv in a debug pod on each
// Ready one, and returns every node's result — the NotReady and missing ones
// included, with Err set — sorted by node name.
func (f *NodeDebugFlags) RunOnNodes(ctx context.Context, g *Globals, args []string, argv []string) ([]nodedebug.NodeResult, error) {
	clients, err := g.Clients()
	if err != nil {
		return nil, err
	}
	return f.runOnNodes(ctx, clients, args, argv)
}

func (f *NodeDebugFlags) runOnNodes(ctx context.Context, c *cli.Clients, args, argv []string) ([]nodedebug.NodeResult, error) {
	ready, problems, err := nodedebug.SelectNodes(ctx, c, args, f.All, f.Selector, f.ChunkSize)
	if err != nil {
		return nil, err
	}
	return f.runOn(ctx, c, ready, problems, argv), nil
}

// runOn runs argv on nodes already chosen (nodedebug.RunChosen).
func (f *NodeDebugFlags) runOn(ctx context.Context, c *cli.Clients, ready []string, problems []nodedebug.NodeResult, argv []string) []nodedebug.NodeResult {
	return nodedebug.RunChosen(ctx, c, f.Options(), ready, problems, argv)
}
