package cmd

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/zombies"
)

// NewAgentZombiesCmd builds the hidden `kubectl-akash agent zombies`, which
// node-debug runs in its debug pods: it scans, and with --kill --yes signals
// the parents named by --parent, then prints the report (-o json). It never
// prompts: the plugin asked the operator already.
func NewAgentZombiesCmd(g *Globals, f *AgentFlags) *cobra.Command {
	var k zombies.KillFlags
	var yes bool
	var parents []string
	out := output.NewFlags()
	cmd := &cobra.Command{
		Use:   "zombies",
		Short: "Scan this node's processes for zombies (and signal their parents with --kill --yes)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			if err := k.Validate(f.ProcRoot); err != nil {
				return err
			}
			if k.Kill && !yes {
				return errors.New("the agent never prompts: --kill needs --yes (node-debug zombies asks the operator first)")
			}
			only, err := zombies.ParseKeys(parents)
			if err != nil {
				return err
			}
			var kill *zombies.KillOptions
			if k.Kill {
				ko := k.Options(false)
				ko.Only = only
				kill = &ko
			}
			r, err := zombies.OnNode(cmd.Context(), f.Env(), kill, k.PIDPressure)
			if err != nil {
				return err
			}
			l := zombies.NewList([]*zombies.Report{r})
			return out.Print(g.Streams.Out, r, func() *output.Table { return zombies.Table(l, k.Kill) })
		},
	}
	out.AddFlags(cmd)
	k.AddFlags(cmd)
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "Required with --kill: the agent acts without asking.")
	cmd.Flags().StringArrayVar(&parents, "parent", nil, "With --kill: only this parent, as PID:STARTTICKS (repeatable); the plugin passes the confirmed plan.")
	return cmd
}
