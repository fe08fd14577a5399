package cmd

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	kubectlakash "github.com/kubectl-akash/kubectl-akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/plugins"
)

const (
	groupPlugins = "plugins"
	// BuiltinPluginsSource names the embedded plugins.yaml in messages.
	BuiltinPluginsSource = "plugins.yaml (built in)"
	pluginsFlag          = plugins.FileFlag
)

// addPluginCommands loads the built-in plugins.yaml and the operator's file
// (package plugins) and adds one command per valid entry to root. Problems
// are warnings on stderr: a broken file costs its own entries, never the
// built-in commands.
func addPluginCommands(root *cobra.Command, g *Globals, args []string) {
	g.plugins, g.pluginsErr = plugins.Load(BuiltinPluginsSource, kubectlakash.PluginsYAML, args, reservedNames(root))
	for _, p := range g.plugins.Problems {
		fmt.Fprintf(g.Streams.ErrOut, "warning: %v (skipped)\n", p)
	}
	if len(g.plugins.Entries) == 0 {
		return
	}
	root.AddGroup(&cobra.Group{ID: groupPlugins, Title: "Plugin Commands (plugins.yaml):"})
	for _, e := range g.plugins.Entries {
		root.AddCommand(newPluginCmd(NewPluginOptions(g, e)))
	}
}

// reservedNames are the names and aliases of built-in commands, which
// plugin entries may not take, including the ones cobra adds on execution.
func reservedNames(root *cobra.Command) map[string]bool {
	names := map[string]bool{"help": true, "completion": true, cobra.ShellCompRequestCmd: true, cobra.ShellCompNoDescRequestCmd: true}
	for _, c := range root.Commands() {
		names[c.Name()] = true
		for _, a := range c.Aliases {
			names[a] = true
		}
	}
	return names
}

// PluginOptions are one plugins.yaml command's.
type PluginOptions struct {
	*Globals
	Entry  *plugins.Entry
	Output *output.Flags
	List   *output.ListFlags
	// Namespace is -n when given.
	Namespace string
}

// NewPluginOptions holds a plugin command's defaults.
func NewPluginOptions(g *Globals, e *plugins.Entry) *PluginOptions {
	o := &PluginOptions{Globals: g, Entry: e, Output: output.NewFlags(), List: output.NewListFlags()}
	o.Output.Sortable = true
	return o
}

// newPluginCmd builds the command of one plugins.yaml entry.
func newPluginCmd(o *PluginOptions) *cobra.Command {
	e := o.Entry
	long := strings.TrimSpace(e.Long)
	if long == "" {
		long = e.Short
	}
	cmd := &cobra.Command{
		Use:     e.Name,
		Short:   e.Short,
		Long:    longDesc(long) + "\n\nDefined in " + e.Source + ".",
		Example: examples(e.Example),
		GroupID: groupPlugins,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Namespace = o.NamespaceFlag(cmd)
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Output.AddFlags(cmd)
	o.List.AddFlags(cmd, "objects read", output.SelectorFlag, output.FieldSelectorFlag, output.ChunkSizeFlag)
	cli.AddAllNamespacesFlag(cmd)
	return cmd
}

// Validate checks the output and list flags without I/O.
func (o *PluginOptions) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	return o.List.Validate()
}

// Run reads what the entry declares and prints its rows.
func (o *PluginOptions) Run(ctx context.Context) error {
	clients, err := o.Clients()
	if err != nil {
		return err
	}
	mapper, err := cli.RESTMapper(clients.Config)
	if err != nil {
		return err
	}
	rows, err := o.Entry.Run(ctx, plugins.Env{Dynamic: clients.Dynamic, Mapper: mapper,
		LeaseNamespace: o.LeaseNamespace, ProviderNamespace: o.ProviderNamespace, Namespace: o.Namespace,
		ChunkSize: o.List.ChunkSize, LabelSelector: o.List.Selector, FieldSelector: o.List.FieldSelector, Now: time.Now()})
	if err != nil {
		return err
	}
	if len(rows.Items) == 0 && o.Output.Human() {
		fmt.Fprintln(o.Streams.ErrOut, "Nothing found.")
		return nil
	}
	return o.Output.Print(o.Streams.Out, rows, rows.Table)
}
