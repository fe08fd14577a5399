package plugins

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/usage"
)

const (
	// BuiltinSource names the embedded plugins.yaml in messages.
	BuiltinSource = "plugins.yaml (built in)"
	// Group is the help section of the plugin commands.
	Group = "plugins"
)

// Commands are the plugin commands of one run: the --plugins flag and what
// was loaded when the command tree was built.
type Commands struct {
	// File is --plugins; Load reads it from the arguments, before cobra
	// parses them, since the plugin commands are part of the tree.
	File string
	Set  *Set
	// Err is why an explicitly named --plugins file could not be read; the
	// command fails with it before doing anything (Check).
	Err error
}

// Check fails with why the --plugins file could not be read, if it could
// not.
func (c *Commands) Check() error { return c.Err }

// AddTo loads the built-in plugins.yaml and the operator's file (named by
// --plugins in args) and adds one command per valid entry to root.
// Problems are warnings on stderr: a broken file costs its own entries,
// never the built-in commands.
//
// A run of a built-in command other than `plugins` without --plugins skips
// all that: no plugin command can run, and parsing the files and compiling
// their jq was two thirds of building the command tree, which every run
// pays before it sends its first request.
func (c *Commands) AddTo(root *cobra.Command, g *cli.Globals, builtin []byte, args []string) {
	if _, explicit := FileFromArgs(args); !explicit && runsBuiltin(root, args) {
		c.Set = &Set{}
		return
	}
	c.Set, c.Err = Load(BuiltinSource, builtin, args, ReservedNames(root))
	for _, p := range c.Set.Problems {
		fmt.Fprintf(g.Streams.ErrOut, "warning: %v (skipped)\n", p)
	}
	if len(c.Set.Entries) == 0 {
		return
	}
	root.AddGroup(&cobra.Group{ID: Group, Title: "Plugin Commands (plugins.yaml):"})
	for _, e := range c.Set.Entries {
		root.AddCommand(NewCommand(NewOptions(g, e)))
	}
}

// runsBuiltin says whether args run a built-in command of root that has
// nothing to do with plugins: not the root itself (its help lists the plugin
// commands), not `plugins`, help or completion.
func runsBuiltin(root *cobra.Command, args []string) bool {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == root {
		return false
	}
	for cmd.Parent() != root {
		cmd = cmd.Parent()
	}
	switch cmd.Name() {
	case "plugins", "help", "completion", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
		return false
	}
	return true
}

// ReservedNames are the names and aliases of built-in commands, which
// plugin entries may not take, including the ones cobra adds on execution.
func ReservedNames(root *cobra.Command) map[string]bool {
	names := map[string]bool{"help": true, "completion": true, cobra.ShellCompRequestCmd: true, cobra.ShellCompNoDescRequestCmd: true}
	for _, c := range root.Commands() {
		names[c.Name()] = true
		for _, a := range c.Aliases {
			names[a] = true
		}
	}
	return names
}

// NewCommand builds the command of one plugins.yaml entry: its help is the
// entry's.
func NewCommand(o *Options) *cobra.Command {
	e := o.Entry
	long := strings.TrimSpace(e.Long)
	if long == "" {
		long = e.Short
	}
	cmd := &cobra.Command{
		Use:     e.Name,
		Short:   e.Short,
		Long:    usage.LongDesc(long) + "\n\nDefined in " + e.Source + ".",
		Example: usage.Examples(e.Example),
		GroupID: Group,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cli.FirstError(func() error { return o.Complete(cmd) }, o.Validate, func() error { return o.Run(cmd.Context()) })
		},
	}
	o.Output.AddFlags(cmd)
	o.List.AddFlags(cmd, "objects read", output.SelectorFlag, output.FieldSelectorFlag, output.ChunkSizeFlag)
	cli.AddAllNamespacesFlag(cmd)
	return cmd
}
