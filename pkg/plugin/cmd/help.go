package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/usage"
)

// longDesc and examples format a command's Long and Example (package usage).
var (
	longDesc = usage.LongDesc
	examples = usage.Examples
)

// Command groups shown in help.
const (
	groupLeases    = "leases"
	groupWorkloads = "workloads"
	groupNodes     = "nodes"
	groupOther     = "other"
)

// addHelpGroups gives root's help its sections; help and completion are
// listed under "Other Commands".
func addHelpGroups(root *cobra.Command) {
	root.AddGroup(
		&cobra.Group{ID: groupLeases, Title: "Leases:"},
		&cobra.Group{ID: groupWorkloads, Title: "Workloads:"},
		&cobra.Group{ID: groupNodes, Title: "Nodes:"},
		&cobra.Group{ID: groupOther, Title: "Other Commands:"},
	)
	root.SetHelpCommandGroupID(groupOther)
	root.SetCompletionCommandGroupID(groupOther)
}

// optionsCmdName is the command that lists the global flags, which every
// other command's help leaves out, as `kubectl options` does.
const optionsCmdName = "options"

// NewOptionsCmd builds `kubectl akash options`: the flags every command
// takes (kubeconfig, namespaces, logging, profiling, plugins).
func NewOptionsCmd(root *cobra.Command) *cobra.Command {
	cmd := &cobra.Command{
		Use:     optionsCmdName,
		Short:   "Print the list of flags inherited by all commands",
		GroupID: groupOther,
		Long:    "The flags every kubectl akash command takes.",
		Example: examples(`
			# Print flags inherited by all commands
			kubectl akash options`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := cmd.OutOrStdout()
			fmt.Fprintln(w, "The following options can be passed to any command:")
			fmt.Fprintln(w)
			fmt.Fprint(w, root.PersistentFlags().FlagUsages())
			return nil
		},
	}
	return cmd
}

// usageFunc is cobra's usage with the root's persistent flags left out:
// they are the same ~30 flags on every command, listed once by `kubectl
// akash options`. Persistent flags of a group (node-debug's, say) are still
// shown on its subcommands.
func usageFunc(root *cobra.Command) func(*cobra.Command) error {
	return func(c *cobra.Command) error {
		usage.Write(c.OutOrStderr(), root, c, optionsCmdName)
		return nil
	}
}

// groupRunE makes a command that only groups others behave as kubectl's
// do: `kubectl akash leases bogus` is an unknown command and a bare
// `kubectl akash leases` prints its help on stderr; both exit 1.
func groupRunE(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unknown command %q for %q (see '%s --help')", args[0], cmd.CommandPath(), cmd.CommandPath())
	}
	cmd.SetOut(cmd.ErrOrStderr())
	_ = cmd.Help()
	return cli.Silent(cli.ExitFailure)
}

// groupAnnotation marks the commands wireGroups made runnable, whose usage
// line is still only "[command]".
const groupAnnotation = usage.GroupAnnotation

// wireGroups gives every command that has subcommands and no Run of its
// own groupRunE, below root.
func wireGroups(c *cobra.Command) {
	for _, s := range c.Commands() {
		if s.HasSubCommands() && s.Run == nil && s.RunE == nil {
			s.RunE = groupRunE
			if s.Annotations == nil {
				s.Annotations = map[string]string{}
			}
			s.Annotations[groupAnnotation] = "true"
			s.Args = cobra.ArbitraryArgs
		}
		wireGroups(s)
	}
}
