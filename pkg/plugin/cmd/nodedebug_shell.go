package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/kubectl/pkg/util/term"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
)

// shellLifetime bounds an interactive shell's debug pod: the pod is deleted
// when the shell ends, this only reaps one whose plugin was killed.
const shellLifetime = 8 * time.Hour

// NodeDebugShellOptions are `node-debug shell`'s.
type NodeDebugShellOptions struct {
	g     *Globals
	Nodes *nodedebug.Flags
	// NoTTY forces a plain stream even when stdin is a terminal.
	NoTTY bool
	// Node and Command are the arguments; dash is where "--" was (-1: none).
	Node    string
	Command []string
	dash    int
}

// NewNodeDebugShellOptions returns the defaults.
func NewNodeDebugShellOptions(g *Globals) *NodeDebugShellOptions {
	return &NodeDebugShellOptions{g: g, Nodes: nodedebug.NewFlags(), dash: -1}
}

// NewNodeDebugShellCmd builds `kubectl akash node-debug shell NODE`.
func NewNodeDebugShellCmd(g *Globals) *cobra.Command {
	o := NewNodeDebugShellOptions(g)
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
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Node, o.Command, o.dash = args[0], args[1:], cmd.ArgsLenAtDash()
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Nodes.AddPodFlags(cmd, true)
	cmd.Flags().BoolVarP(&o.NoTTY, "no-tty", "T", false, "Do not allocate a TTY even when stdin is a terminal.")
	return cmd
}

// Validate checks the arguments and flags without I/O.
func (o *NodeDebugShellOptions) Validate() error {
	if o.dash > 1 || (o.dash < 0 && len(o.Command) > 0) {
		return fmt.Errorf("shell takes one NODE; put the command after --, e.g. shell NODE -- uname -a")
	}
	if o.Nodes.PodTimeout <= 0 {
		return fmt.Errorf("--pod-timeout must be positive, got %s", o.Nodes.PodTimeout)
	}
	return nil
}

// Run starts the pod, attaches the shell, and deletes the pod.
func (o *NodeDebugShellOptions) Run(ctx context.Context) error {
	node, command := o.Node, o.Command
	c, err := o.g.Clients()
	if err != nil {
		return err
	}
	ready, problems, err := nodedebug.SelectNodes(ctx, c, []string{node}, false, "", 0)
	if err != nil {
		return err
	}
	if len(ready) == 0 {
		return fmt.Errorf("node %s: %v", node, problems[0].Err)
	}
	opts := o.Nodes.Options()
	opts.Lifetime = shellLifetime
	streams := o.g.Streams
	t := term.TTY{In: streams.In, Out: streams.Out, Raw: true}
	tty := !o.NoTTY && t.IsTerminalIn()
	if tty {
		fmt.Fprintf(streams.ErrOut, "Starting a debug pod on node %s...\n", node)
	}
	p, err := nodedebug.Start(ctx, c, opts, node)
	if err != nil {
		return fmt.Errorf("node %s: %w", node, err)
	}
	defer func() {
		if err := p.Close(); err != nil {
			fmt.Fprintln(streams.ErrOut, "error: "+err.Error())
		}
	}()
	argv := nodedebug.Shell.Argv(nodedebug.ShellOptions{Command: command})
	var code int
	if tty {
		fmt.Fprintf(streams.ErrOut, "Root shell on %s (pod %s/%s, deleted on exit).\n", node, p.Namespace, p.Name)
		var sizes remotecommand.TerminalSizeQueue
		if size := t.GetSize(); size != nil {
			sizes = sizeQueue{t.MonitorSize(size)}
		}
		err = t.Safe(func() error {
			var e error
			code, e = p.Exec(ctx, argv, nodedebug.Streams{In: streams.In, Out: streams.Out, TTY: true, Resizes: sizes})
			return e
		})
	} else {
		code, err = p.Exec(ctx, argv, nodedebug.Streams{In: streams.In, Out: streams.Out, Err: streams.ErrOut})
	}
	if err != nil {
		return err
	}
	if code != 0 {
		return cli.Silent(code)
	}
	return nil
}

// sizeQueue adapts kubectl's terminal size queue to remotecommand's.
type sizeQueue struct{ q term.TerminalSizeQueue }

func (s sizeQueue) Next() *remotecommand.TerminalSize {
	size := s.q.Next()
	if size == nil {
		return nil
	}
	return &remotecommand.TerminalSize{Width: size.Width, Height: size.Height}
}
