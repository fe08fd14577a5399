package plugins

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Options are one plugins.yaml command's.
type Options struct {
	*cli.Globals
	Entry  *Entry
	Output *output.Flags
	List   *output.ListFlags
	// Namespace is -n when given.
	Namespace string
}

// NewOptions holds a plugin command's defaults.
func NewOptions(g *cli.Globals, e *Entry) *Options {
	o := &Options{Globals: g, Entry: e, Output: output.NewFlags(), List: output.NewListFlags()}
	o.Output.Sortable = true
	return o
}

// Complete reads -n.
func (o *Options) Complete(cmd *cobra.Command) error {
	o.Namespace = o.NamespaceFlag(cmd)
	return nil
}

// Validate checks the output and list flags without I/O.
func (o *Options) Validate() error {
	return cli.FirstError(o.Output.Validate, o.List.Validate)
}

// Run reads what the entry declares and prints its rows.
func (o *Options) Run(ctx context.Context) error {
	clients, err := o.Clients()
	if err != nil {
		return err
	}
	mapper, err := cli.RESTMapper(clients.Config)
	if err != nil {
		return err
	}
	rows, err := o.Entry.Run(ctx, Env{Dynamic: clients.Dynamic, Mapper: mapper,
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

// ListOptions are `kubectl akash plugins list`'s.
type ListOptions struct {
	*cli.Globals
	// Loaded are the plugin commands of this run, loaded after the
	// command is built.
	Loaded *Commands
	Output *output.Flags
	// Names are the plugin commands to list (none: all).
	Names []string
}

// NewListOptions holds its defaults.
func NewListOptions(g *cli.Globals, loaded *Commands) *ListOptions {
	return &ListOptions{Globals: g, Loaded: loaded, Output: output.NewFlags()}
}

// Complete reads the names given.
func (o *ListOptions) Complete(cmd *cobra.Command) error {
	o.Names = cmd.Flags().Args()
	return nil
}

// Validate checks the output flags and that each name is a loaded plugin
// command, without I/O.
func (o *ListOptions) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	if _, missing := Infos(o.Loaded.Set.Entries, o.Names); missing != "" {
		return fmt.Errorf("no plugin command %q: kubectl akash plugins list shows the ones loaded", missing)
	}
	return nil
}

// Run prints the plugin commands.
func (o *ListOptions) Run(context.Context) error {
	l, _ := Infos(o.Loaded.Set.Entries, o.Names)
	return o.Output.Print(o.Streams.Out, l, func() *output.Table { return InfoTable(l) })
}

// CompleteNames completes the loaded plugin commands' names.
func (o *ListOptions) CompleteNames(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return o.Loaded.Set.Complete(toComplete, args), cobra.ShellCompDirectiveNoFileComp
}

// ValidateOptions are `kubectl akash plugins validate`'s.
type ValidateOptions struct {
	*cli.Globals
	Loaded *Commands
	// Files are the files to check; reserved the names they may not take.
	Files    []string
	reserved map[string]bool
}

// NewValidateOptions holds its defaults.
func NewValidateOptions(g *cli.Globals, loaded *Commands) *ValidateOptions {
	return &ValidateOptions{Globals: g, Loaded: loaded}
}

// Complete reads the files and the built-in commands' names; a file may
// override the loaded plugins.
func (o *ValidateOptions) Complete(cmd *cobra.Command) error {
	o.Files = cmd.Flags().Args()
	o.reserved = ReservedNames(cmd.Root())
	for _, name := range o.Loaded.Set.Names() {
		delete(o.reserved, name)
	}
	return nil
}

// Validate has nothing to check: cobra requires a file.
func (o *ValidateOptions) Validate() error { return nil }

// Run checks each file and prints every problem (exit 1 if any).
func (o *ValidateOptions) Run(context.Context) error {
	if ValidateFiles(o.Files, o.reserved, o.Streams.Out, o.Streams.ErrOut) > 0 {
		return cli.Silent(cli.ExitFailure)
	}
	return nil
}
