package cmd

import "github.com/spf13/cobra"

// NewNodeDebugCmd builds `kubectl akash node-debug`, the parent of the
// checks that run on nodes.
func NewNodeDebugCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "node-debug",
		Short:   "Run checks on nodes through short-lived privileged debug pods",
		GroupID: groupNodes,
		Long: longDesc(`
			Each check runs on every node you name (NODE..., --all, or -l SELECTOR) in a
			privileged debug pod with the host's PID, network and IPC namespaces and the
			host's / at /host. The pod runs this same program as an agent, its JSON report
			is read back over the exec API, and the pod is always deleted. --local runs
			the same check on this machine without any pod.`),
	}
	cmd.AddCommand(NewNodeDebugInfoCmd(g), NewNodeDebugShellCmd(g), NewNodeDebugZombiesCmd(g), NewNodeDebugGPUCmd(g), NewNodeDebugHealthCmd(g))
	return cmd
}
