package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/completion"
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
	cmd.AddCommand(newPluginsListCmd(g), newPluginsValidateCmd(g))
	return cmd
}

func newPluginsListCmd(g *Globals) *cobra.Command {
	o := plugins.NewListOptions(&g.Globals, &g.plugins)
	cmd := &cobra.Command{
		Use:     "list [NAME...]",
		Aliases: []string{"ls"},
		Short:   "List the plugin commands and the file each comes from",
		Example: examples(`
			kubectl akash plugins list
			kubectl akash plugins list lease-images -o yaml`),
		ValidArgsFunction: o.CompleteNames,
		RunE:              runSteps(o),
	}
	o.Output.AddFlags(cmd)
	return cmd
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
		Args:              cobra.MinimumNArgs(1),
		ValidArgsFunction: completion.Files("yaml", "yml"),
		RunE:              runSteps(plugins.NewValidateOptions(&g.Globals, &g.plugins)),
	}
}
