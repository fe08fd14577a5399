package usage

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// Install gives the finished tree kubectl's shape of help: every command's
// usage leaves out root's persistent flags (they are the same ~30 flags on
// every command, listed once by `<root> optionsCmd`; persistent flags of a
// group, node-debug's say, are still shown on its subcommands), a bad flag
// points at --help, and the commands that only group others behave as
// kubectl's do (WireGroups).
func Install(root *cobra.Command, optionsCmd string) {
	WireGroups(root)
	root.SetUsageFunc(func(c *cobra.Command) error {
		Write(c.OutOrStderr(), root, c, optionsCmd)
		return nil
	})
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())
	})
}

// WireGroups gives every command below c that has subcommands and no Run
// of its own GroupRunE, marked with GroupAnnotation so that its usage line
// is still only "[command]".
func WireGroups(c *cobra.Command) {
	for _, s := range c.Commands() {
		if s.HasSubCommands() && s.Run == nil && s.RunE == nil {
			s.RunE = GroupRunE
			if s.Annotations == nil {
				s.Annotations = map[string]string{}
			}
			s.Annotations[GroupAnnotation] = "true"
			s.Args = cobra.ArbitraryArgs
		}
		WireGroups(s)
	}
}

// GroupRunE makes a command that only groups others behave as kubectl's
// do: `kubectl akash leases bogus` is an unknown command and a bare
// `kubectl akash leases` prints its help on stderr; both exit 1.
func GroupRunE(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unknown command %q for %q (see '%s --help')", args[0], cmd.CommandPath(), cmd.CommandPath())
	}
	cmd.SetOut(cmd.ErrOrStderr())
	_ = cmd.Help()
	return cli.Silent(cli.ExitFailure)
}

// PrintOptions is the Run of the options command: root's persistent
// flags, which every other command's help leaves out.
func PrintOptions(root *cobra.Command) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		w := cmd.OutOrStdout()
		fmt.Fprintln(w, "The following options can be passed to any command:")
		fmt.Fprintln(w)
		fmt.Fprint(w, root.PersistentFlags().FlagUsages())
		return nil
	}
}
