package nodedebug

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/kubectl/pkg/util/term"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// shellLifetime bounds an interactive shell's debug pod: the pod is deleted
// when the shell ends, this only reaps one whose plugin was killed.
const shellLifetime = 8 * time.Hour

// NodeShellOptions are `node-debug shell`'s: the debug pod's flags, the
// node and the command to run there.
type NodeShellOptions struct {
	*cli.Globals
	Nodes *Flags
	// NoTTY forces a plain stream even when stdin is a terminal.
	NoTTY bool
	// Node and Command are the arguments; dash is where "--" was (-1: none).
	Node    string
	Command []string
	dash    int
}

// NewNodeShellOptions holds every default of `node-debug shell`.
func NewNodeShellOptions(g *cli.Globals) *NodeShellOptions {
	return &NodeShellOptions{Globals: g, Nodes: NewFlags(), dash: -1}
}

// Complete splits the arguments into NODE and the command after --
// (cobra's Args has already required a NODE).
func (o *NodeShellOptions) Complete(cmd *cobra.Command) error {
	args := cmd.Flags().Args()
	o.Node, o.Command, o.dash = args[0], args[1:], cmd.ArgsLenAtDash()
	return nil
}

// Validate checks the arguments and flags without I/O.
func (o *NodeShellOptions) Validate() error {
	if o.dash > 1 || (o.dash < 0 && len(o.Command) > 0) {
		return fmt.Errorf("shell takes one NODE; put the command after --, e.g. shell NODE -- uname -a")
	}
	if o.Nodes.PodTimeout <= 0 {
		return fmt.Errorf("--pod-timeout must be positive, got %s", o.Nodes.PodTimeout)
	}
	return nil
}

// Run starts the pod, attaches the shell, and deletes the pod; the exit
// code is the shell's.
func (o *NodeShellOptions) Run(ctx context.Context) error {
	node := o.Node
	c, err := o.Clients()
	if err != nil {
		return err
	}
	ready, problems, err := SelectNodes(ctx, c, []string{node}, false, "", 0)
	if err != nil {
		return err
	}
	if len(ready) == 0 {
		return fmt.Errorf("node %s: %v", node, problems[0].Err)
	}
	opts := o.Nodes.Options()
	opts.Lifetime = shellLifetime
	streams := o.Streams
	t := term.TTY{In: streams.In, Out: streams.Out, Raw: true}
	tty := !o.NoTTY && t.IsTerminalIn()
	if tty {
		fmt.Fprintf(streams.ErrOut, "Starting a debug pod on node %s...\n", node)
	}
	p, err := Start(ctx, c, opts, node)
	if err != nil {
		return fmt.Errorf("node %s: %w", node, err)
	}
	defer func() {
		if err := p.Close(); err != nil {
			fmt.Fprintln(streams.ErrOut, "error: "+err.Error())
		}
	}()
	argv := Shell.Argv(ShellOptions{Command: o.Command})
	var code int
	if tty {
		fmt.Fprintf(streams.ErrOut, "Root shell on %s (pod %s/%s, deleted on exit).\n", node, p.Namespace, p.Name)
		code, err = execTerminal(ctx, p, argv, t)
	} else {
		code, err = p.Exec(ctx, argv, Streams{In: streams.In, Out: streams.Out, Err: streams.ErrOut})
	}
	if err != nil {
		return err
	}
	if code != 0 {
		return cli.Silent(code)
	}
	return nil
}
