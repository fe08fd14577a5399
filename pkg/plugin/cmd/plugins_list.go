package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/plugins"
)

// NewPluginsCmd builds `kubectl akash plugins`: list and validate plugins.yaml entries.
func NewPluginsCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "plugins",
		Short:   "List and validate the plugin commands of plugins.yaml",
		GroupID: groupOther,
		Long: longDesc(`
			Plugin commands are declared in YAML: the resources to read, a jq program
			that turns them into rows, and the table columns. kubectl akash ships some
			(its plugins.yaml, embedded); yours go in
			$XDG_CONFIG_HOME/kubectl-akash/plugins.yaml (default
			~/.config/kubectl-akash/plugins.yaml) or the file named by --plugins, and
			replace a shipped entry of the same name.`),
	}
	cmd.AddCommand(newPluginsListCmd(NewPluginsListOptions(g)), newPluginsValidateCmd(g))
	return cmd
}

// PluginsListOptions are `kubectl akash plugins list`'s.
type PluginsListOptions struct {
	*Globals
	Output *output.Flags
	// Names are the plugin commands to list (none: all).
	Names []string
}

// NewPluginsListOptions holds its defaults.
func NewPluginsListOptions(g *Globals) *PluginsListOptions {
	return &PluginsListOptions{Globals: g, Output: output.NewFlags()}
}

func newPluginsListCmd(o *PluginsListOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "list [NAME...]",
		Aliases: []string{"ls"},
		Short:   "List the plugin commands and the file each comes from",
		Example: examples(`
			kubectl akash plugins list
			kubectl akash plugins list lease-images -o yaml`),
		ValidArgsFunction: func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return o.plugins.Complete(toComplete, args), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Names = args
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run()
		},
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Validate checks the output flags and that each name is a loaded plugin
// command, without I/O.
func (o *PluginsListOptions) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	if _, missing := plugins.Infos(o.plugins.Entries, o.Names); missing != "" {
		return fmt.Errorf("no plugin command %q: kubectl akash plugins list shows the ones loaded", missing)
	}
	return nil
}

// Run prints the plugin commands.
func (o *PluginsListOptions) Run() error {
	l, _ := plugins.Infos(o.plugins.Entries, o.Names)
	return o.Output.Print(o.Streams.Out, l, func() *output.Table { return plugins.InfoTable(l) })
}

func newPluginsValidateCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check plugins.yaml files and report every problem (exit 1 if any)",
		Long: longDesc(`
			Checks each file as kubectl akash checks it on start-up — unknown keys,
			duplicate names, names of built-in commands, jq that does not compile,
			malformed selectors and resource names — and prints every problem with the
			file, the entry and the field. Whether each resource exists is checked when
			the command runs, against the cluster's API discovery.`),
		Example: examples(`
			kubectl akash plugins validate ~/.config/kubectl-akash/plugins.yaml`),
		Args: cobra.MinimumNArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			reserved := reservedNames(cmd.Root())
			for _, name := range g.plugins.Names() {
				delete(reserved, name) // a file may override the loaded plugins
			}
			if plugins.ValidateFiles(args, reserved, g.Streams.Out, g.Streams.ErrOut) > 0 {
				return cli.Silent(cli.ExitFailure)
			}
			return nil
		},
	}
}
