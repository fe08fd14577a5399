package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodeinfo"
)

// NewNodeDebugInfoCmd builds `kubectl akash node-debug info`.
func NewNodeDebugInfoCmd(g *Globals) *cobra.Command {
	o := nodeinfo.NewInfoOptions(&g.Globals)
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
		RunE: runSteps(o),
	}
	o.Nodes.AddFlags(cmd)
	o.Output.AddFlags(cmd)
	return cmd
}
