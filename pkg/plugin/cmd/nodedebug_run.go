package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

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

// runOn runs argv on nodes already chosen and adds the problems (nodes not
// Ready or not found), sorted by node name.
func (f *NodeDebugFlags) runOn(ctx context.Context, c *cli.Clients, ready []string, problems []nodedebug.NodeResult, argv []string) []nodedebug.NodeResult {
	results := append(problems, nodedebug.Run(ctx, c, f.Options(), ready, argv)...)
	sort.SliceStable(results, func(i, j int) bool { return results[i].Node < results[j].Node })
	return results
}

// agentReport decodes a node's agent report into v. The error says why the
// node has no report: its run failed, or the agent answered something that
// is not its JSON (an --image of another version).
func agentReport(r nodedebug.NodeResult, v any) error {
	if r.Err != nil {
		return r.Err
	}
	if err := json.Unmarshal(r.Stdout, v); err != nil {
		return fmt.Errorf("the agent's report is not JSON (is --image this version of kubectl-akash?): %v", err)
	}
	return nil
}
