package cmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodeinfo"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// NodeDebugInfoOptions are `node-debug info`'s.
type NodeDebugInfoOptions struct {
	g      *Globals
	Nodes  *nodedebug.Flags
	Output *output.Flags
	args   []string
}

// NewNodeDebugInfoOptions returns the defaults.
func NewNodeDebugInfoOptions(g *Globals) *NodeDebugInfoOptions {
	return &NodeDebugInfoOptions{g: g, Nodes: nodedebug.NewFlags(), Output: output.NewFlags()}
}

// NewNodeDebugInfoCmd builds `kubectl akash node-debug info`.
func NewNodeDebugInfoCmd(g *Globals) *cobra.Command {
	o := NewNodeDebugInfoOptions(g)
	cmd := &cobra.Command{
		Use:   "info (NODE... | --all | -l SELECTOR | --local)",
		Short: "Show each node's kernel, PID headroom, cgroup version and container runtime",
		Long: longDesc(`
			A cheap, read-only check that proves the debug-pod path on each node: it
			reports the hostname, kernel release, uptime, kernel.pid_max, the number of
			processes, the cgroup version, the container runtime sockets and the node
			daemons (kubelet, containerd, crio, dockerd) seen running. A node whose pod
			cannot start or whose agent fails gets a row with the reason; the exit code
			is then 1.`),
		Example: examples(`
			# Every node, one row each
			kubectl akash node-debug info --all

			# Two nodes, as JSON
			kubectl akash node-debug info node-a node-b -o json

			# On the node itself, without a pod
			kubectl akash node-debug info --local`),
		RunE: runNode(&o.args, o.Validate, o.Run),
	}
	o.Nodes.AddFlags(cmd)
	o.Output.AddFlags(cmd)
	return cmd
}

// Validate checks the flags without I/O.
func (o *NodeDebugInfoOptions) Validate() error {
	if err := o.Nodes.Validate(o.args); err != nil {
		return err
	}
	return o.Output.Validate()
}

// Run collects and prints; exit 1 when any node has no answer.
func (o *NodeDebugInfoOptions) Run(ctx context.Context) error {
	list := &nodeinfo.NodeInfoList{TypeMeta: output.ListMeta(nodeinfo.Kind), Items: []nodeinfo.NodeInfo{}}
	if o.Nodes.Local {
		list.Items = append(list.Items, nodeinfo.Collect(o.Nodes.LocalEnv()))
	} else {
		results, err := o.Nodes.RunOnNodes(ctx, &o.g.Globals, o.args, nodeinfo.Agent.Argv(nodeinfo.Options{}))
		if err != nil {
			return err
		}
		for _, r := range results {
			list.Items = append(list.Items, nodeinfo.FromAnswer(r.Answer()))
		}
	}
	if err := o.Output.Print(o.g.Streams.Out, list, func() *output.Table { return nodeinfo.Table(list) }); err != nil {
		return err
	}
	for _, n := range list.Items {
		if n.Status.Error != "" {
			return cli.Silent(cli.ExitFailure)
		}
	}
	return nil
}
