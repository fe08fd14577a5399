package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/meta"

	kubectlakash "github.com/kubectl-akash/kubectl-akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/plugins"
)

const (
	groupPlugins = "plugins"
	// BuiltinPluginsSource names the embedded plugins.yaml in messages.
	BuiltinPluginsSource = "plugins.yaml (built in)"
	pluginsFlag          = "plugins"
)

// pluginSet is what was loaded when the command tree was built.
type pluginSet struct {
	entries  []*plugins.Entry
	problems []plugins.Problem
	// userFile is the operator's file that was read ("" if none).
	userFile string
}

// names lists the loaded plugin names.
func (s *pluginSet) names() []string {
	var out []string
	for _, e := range s.entries {
		out = append(out, e.Name)
	}
	return out
}

// addPluginCommands loads the built-in plugins.yaml and the operator's file,
// and adds one command per valid entry to root. It runs before cobra parses
// any flag, so --plugins is found by scanning the arguments. Problems are
// warnings on stderr: a broken file costs its own entries, never the
// built-in commands.
func addPluginCommands(root *cobra.Command, g *Globals, args []string) {
	reserved := reservedNames(root)
	builtin, problems := plugins.Parse(BuiltinPluginsSource, kubectlakash.PluginsYAML, reserved)
	set := &pluginSet{problems: problems}

	path, explicit := pluginsFileFromArgs(args)
	if !explicit {
		path = defaultPluginsPath()
	}
	var user []*plugins.Entry
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case err == nil:
			set.userFile = path
			var userProblems []plugins.Problem
			user, userProblems = plugins.Parse(path, data, reserved)
			set.problems = append(set.problems, userProblems...)
		case explicit:
			g.pluginsErr = fmt.Errorf("--%s %s: cannot read it: %s", pluginsFlag, path, unwrapPathError(err))
		case !errors.Is(err, fs.ErrNotExist):
			set.problems = append(set.problems, plugins.Problem{File: path, Index: -1, Msg: "cannot read it: " + unwrapPathError(err)})
		}
	}
	set.entries = plugins.Merge(builtin, user)
	g.plugins = set

	for _, p := range set.problems {
		fmt.Fprintf(g.Streams.ErrOut, "warning: %v (skipped)\n", p)
	}
	if len(set.entries) == 0 {
		return
	}
	root.AddGroup(&cobra.Group{ID: groupPlugins, Title: "Plugin Commands (plugins.yaml):"})
	for _, e := range set.entries {
		root.AddCommand(newPluginCmd(g, e))
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

// pluginsFileFromArgs finds --plugins FILE or --plugins=FILE before "--".
func pluginsFileFromArgs(args []string) (string, bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--"+pluginsFlag+"="); ok {
			return v, true
		}
		if a == "--"+pluginsFlag && i+1 < len(args) {
			return args[i+1], true
		}
	}
	return "", false
}

// defaultPluginsPath is $XDG_CONFIG_HOME/kubectl-akash/plugins.yaml, with
// XDG's default of ~/.config on every platform.
func defaultPluginsPath() string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "kubectl-akash", "plugins.yaml")
}

func unwrapPathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// newPluginCmd builds the command of one plugins.yaml entry.
func newPluginCmd(g *Globals, e *plugins.Entry) *cobra.Command {
	out := output.NewFlags()
	var chunkSize int64
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
			if err := out.Validate(); err != nil {
				return err
			}
			if chunkSize < 0 {
				return fmt.Errorf("--chunk-size must be 0 or positive, got %d", chunkSize)
			}
			clients, err := g.Clients()
			if err != nil {
				return err
			}
			mapper, err := g.restMapper(clients)
			if err != nil {
				return err
			}
			rows, err := e.Run(cmd.Context(), plugins.Env{
				Dynamic: clients.Dynamic, Mapper: mapper,
				LeaseNamespace: g.LeaseNamespace, ProviderNamespace: g.ProviderNamespace, Namespace: g.NamespaceFlag(cmd),
				ChunkSize: chunkSize, Now: time.Now(),
			})
			if err != nil {
				return err
			}
			if len(rows.Items) == 0 && out.Human() {
				fmt.Fprintln(g.Streams.ErrOut, "Nothing found.")
				return nil
			}
			return out.Print(g.Streams.Out, rows, rows.Table)
		},
	}
	out.AddFlags(cmd)
	addAllNamespacesFlag(cmd)
	cmd.Flags().Int64Var(&chunkSize, "chunk-size", 0, "Page LIST requests this many objects at a time (0: one request per resource type).")
	return cmd
}

// restMapper resolves kubectl-style resource names through one API
// discovery (cli.RESTMapper).
func (g *Globals) restMapper(c *cli.Clients) (meta.RESTMapper, error) {
	return cli.RESTMapper(c.Config)
}

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
	out := output.NewFlags()
	cmd := &cobra.Command{
		Use:     "list [NAME...]",
		Aliases: []string{"ls"},
		Short:   "List the plugin commands and the file each comes from",
		Example: examples(`
			kubectl akash plugins list
			kubectl akash plugins list lease-images -o yaml`),
		ValidArgsFunction: completePluginNames(g),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			want := map[string]bool{}
			for _, a := range args {
				want[a] = true
			}
			l, missing := plugins.Infos(g.plugins.entries, args)
			if missing != "" {
				return fmt.Errorf("no plugin command %q: kubectl akash plugins list shows the ones loaded", missing)
			}
			return out.Print(g.Streams.Out, l, func() *output.Table { return plugins.InfoTable(l) })
		},
	}
	out.AddFlags(cmd)
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
		Args: cobra.MinimumNArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			reserved := reservedNames(cmd.Root())
			for _, name := range g.plugins.names() {
				delete(reserved, name) // a file may override the loaded plugins
			}
			bad := 0
			for _, path := range args {
				data, err := os.ReadFile(path)
				if err != nil {
					fmt.Fprintf(g.Streams.ErrOut, "%s: cannot read it: %s\n", path, unwrapPathError(err))
					bad++
					continue
				}
				entries, problems := plugins.Parse(path, data, reserved)
				for _, p := range problems {
					fmt.Fprintln(g.Streams.ErrOut, p.Error())
				}
				bad += len(problems)
				fmt.Fprintf(g.Streams.Out, "%s: %d valid plugin command(s), %d problem(s)\n", path, len(entries), len(problems))
			}
			if bad > 0 {
				return cli.Silent(cli.ExitFailure)
			}
			return nil
		},
	}
}

// completePluginNames completes the loaded plugin command names.
func completePluginNames(g *Globals) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		var out []string
		for _, e := range g.plugins.entries {
			if strings.HasPrefix(e.Name, toComplete) && !slices.Contains(args, e.Name) {
				out = append(out, e.Name+"\t"+e.Short)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
