package nodedebug

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// CommandOptions are what the Options of every node check (info, gpu,
// health, zombies) share: the globals, how the nodes are chosen — Args are
// the NODE arguments, the rest is Flags — and how the result is printed.
type CommandOptions struct {
	*cli.Globals
	Nodes  *Flags
	Output *output.Flags
	Args   []string
}

// NewCommandOptions holds the shared defaults.
func NewCommandOptions(g *cli.Globals) CommandOptions {
	return CommandOptions{Globals: g, Nodes: NewFlags(), Output: output.NewFlags()}
}

// Complete keeps the NODE arguments.
func (o *CommandOptions) Complete(cmd *cobra.Command) error {
	o.Args = cmd.Flags().Args()
	return nil
}
