package nodedebug

import (
	"context"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// RunOnNodes is the fleet path every node-debug check shares: it resolves the
// nodes (NODE args, --all or -l; one LIST), runs argv in a debug pod on each
// Ready one, and returns every node's result — the NotReady and missing ones
// included, with Err set — sorted by node name.
func (f *Flags) RunOnNodes(ctx context.Context, g *cli.Globals, args []string, argv []string) ([]NodeResult, error) {
	clients, err := g.Clients()
	if err != nil {
		return nil, err
	}
	return f.RunOnNodesWith(ctx, clients, args, argv)
}

// RunOnNodesWith is RunOnNodes with clients already built.
func (f *Flags) RunOnNodesWith(ctx context.Context, c *cli.Clients, args, argv []string) ([]NodeResult, error) {
	ready, problems, err := SelectNodes(ctx, c, args, f.All, f.Selector, f.ChunkSize)
	if err != nil {
		return nil, err
	}
	return f.RunOn(ctx, c, ready, problems, argv), nil
}

// RunOn runs argv on nodes already chosen (RunChosen).
func (f *Flags) RunOn(ctx context.Context, c *cli.Clients, ready []string, problems []NodeResult, argv []string) []NodeResult {
	return RunChosen(ctx, c, f.Options(), ready, problems, argv)
}
