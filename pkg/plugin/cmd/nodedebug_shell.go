package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
)

// NewNodeDebugShellCmd builds `kubectl akash node-debug shell NODE`.
func NewNodeDebugShellCmd(g *Globals) *cobra.Command {
	o := nodedebug.NewNodeShellOptions(&g.Globals)
	cmd := &cobra.Command{
		Use:   "shell NODE [-- COMMAND [ARG...]]",
		Short: "Open a root shell in a node's namespaces through a debug pod",
		Long: longDesc(`
			Starts a debug pod on NODE and opens a root shell in the host's mount, UTS,
			IPC, network and PID namespaces: the agent chroots into the host's / and
			runs the host's own nsenter into PID 1, so the host's tools are at hand and
			the image carries nothing but kubectl-akash. With a terminal on stdin the
			shell gets a TTY that follows window resizes; otherwise stdin, stdout and
			stderr are plain streams (scripts can pipe commands in). With COMMAND, that
			command runs instead of a shell. The pod is deleted when the shell exits,
			and on Ctrl-C or SIGTERM. The exit code is the shell's.`),
		Example: examples(`
			# Interactive root shell on a node
			kubectl akash node-debug shell node-a

			# One command on the host
			kubectl akash node-debug shell node-a -- journalctl -u kubelet -n 50`),
		Args: cobra.MinimumNArgs(1),
		RunE: runSteps(o),
	}
	o.Nodes.AddPodFlags(cmd, true)
	cmd.Flags().BoolVarP(&o.NoTTY, "no-tty", "T", false, "Do not allocate a TTY even when stdin is a terminal.")
	return cmd
}
