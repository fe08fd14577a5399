package cmd

import (
	"fmt"
	"io"
	"strings"

	"github.com/MakeNowJust/heredoc"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// longDesc dedents and trims a command's long description and keeps the
// rest as written. kubectl's templates.LongDesc renders markdown, which
// eats what help text is made of here: `*` in price_target_*, <placeholder>
// as HTML, backticks, indented lines as code blocks.
func longDesc(s string) string {
	if s == "" {
		return s
	}
	return strings.TrimSpace(heredoc.Doc(s))
}

// examples indents a command's examples as kubectl does (no markdown is
// involved there).
func examples(s string) string { return templates.Examples(s) }

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
		w := c.OutOrStderr()
		writeUsage(w, root, c)
		return nil
	}
}

func writeUsage(w io.Writer, root, c *cobra.Command) {
	fmt.Fprint(w, "Usage:")
	if c.Runnable() && c.Annotations[groupAnnotation] == "" {
		line := c.UseLine()
		if c != root {
			line += " [options]"
		}
		fmt.Fprintf(w, "\n  %s", line)
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(w, "\n  %s [command]", c.CommandPath())
	}
	if len(c.Aliases) > 0 {
		fmt.Fprintf(w, "\n\nAliases:\n  %s", c.NameAndAliases())
	}
	if c.HasExample() {
		fmt.Fprintf(w, "\n\nExamples:\n%s", c.Example)
	}
	if c.HasAvailableSubCommands() {
		printed := map[*cobra.Command]bool{}
		section := func(title string, match func(*cobra.Command) bool) {
			var lines []string
			for _, s := range c.Commands() {
				if printed[s] || !match(s) || !(s.IsAvailableCommand() || s.Name() == "help") {
					continue
				}
				printed[s] = true
				lines = append(lines, fmt.Sprintf("  %-*s %s", s.NamePadding(), s.Name(), s.Short))
			}
			if len(lines) > 0 {
				fmt.Fprintf(w, "\n\n%s\n%s", title, strings.Join(lines, "\n"))
			}
		}
		for _, gr := range c.Groups() {
			id := gr.ID
			section(gr.Title, func(s *cobra.Command) bool { return s.GroupID == id })
		}
		title := "Available Commands:"
		if len(c.Groups()) > 0 {
			title = "Additional Commands:"
		}
		section(title, func(*cobra.Command) bool { return true })
	}
	if fs := visibleFlags(c.LocalNonPersistentFlags(), c.PersistentFlags(), root); fs != "" {
		fmt.Fprintf(w, "\n\nFlags:\n%s", fs)
	}
	if c != root {
		if fs := visibleFlags(c.InheritedFlags(), nil, root); fs != "" {
			fmt.Fprintf(w, "\n\nFlags of %s:\n%s", groupPath(c), fs)
		}
	}
	fmt.Fprintln(w)
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(w, "\nUse \"%s [command] --help\" for more information about a command.", c.CommandPath())
	}
	fmt.Fprintf(w, "\nUse \"%s %s\" for a list of global command-line options (applies to all commands).\n", root.DisplayName(), optionsCmdName)
}

// groupPath names the group commands whose persistent flags c inherits.
func groupPath(c *cobra.Command) string {
	var names []string
	for p := c.Parent(); p != nil && p.HasParent(); p = p.Parent() {
		if p.HasAvailablePersistentFlags() {
			names = append([]string{p.CommandPath()}, names...)
		}
	}
	return strings.Join(names, ", ")
}

// visibleFlags renders the flags of a and b that are not hidden and not
// the root's own persistent flags ("" if none).
func visibleFlags(a, b *pflag.FlagSet, root *cobra.Command) string {
	out := pflag.NewFlagSet("usage", pflag.ContinueOnError)
	out.SortFlags = true
	add := func(fs *pflag.FlagSet) {
		if fs == nil {
			return
		}
		fs.VisitAll(func(f *pflag.Flag) {
			if f.Hidden || root.PersistentFlags().Lookup(f.Name) == f || out.Lookup(f.Name) != nil {
				return
			}
			out.AddFlag(f)
		})
	}
	add(a)
	add(b)
	return strings.TrimRight(out.FlagUsages(), " \n")
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
const groupAnnotation = "kubectl-akash/group"

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
