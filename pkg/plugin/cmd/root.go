package cmd

import (
	"os"
	"slices"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	kubectlakash "github.com/kubectl-akash/kubectl-akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/doctor"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/fleet"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/globalflags"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/plugins"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/profile"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/progress"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/usage"
)

// Globals are the persistent flags every command sees, and the streams
// (cli.Globals, which commands' Options take), with what the root command
// itself owns: the plugins, the profile and the fleet flags.
type Globals struct {
	cli.Globals
	// Args are the command-line arguments (default os.Args[1:]); they are
	// scanned for --plugins before the command tree is built, since the
	// plugin commands are part of it.
	Args    []string
	plugins plugins.Commands
	profile profile.Profiler
	fleet   *fleet.Flags
}

// Finish ends what the root command began for the whole run: it writes the
// --profile, whether the command succeeded or not. main calls it after
// Execute.
func (g *Globals) Finish() error {
	return g.profile.Stop()
}

// NewRootCmd builds `kubectl akash` and all its subcommands.
func NewRootCmd(streams genericiooptions.IOStreams) *cobra.Command {
	return NewRootCmdWithGlobals(&Globals{Globals: cli.Globals{Streams: streams}})
}

// NewRootCmdWithGlobals builds the root command around g; tests use it to
// inject clients.
func NewRootCmdWithGlobals(g *Globals) *cobra.Command {
	if g.ConfigFlags == nil {
		g.ConfigFlags = genericclioptions.NewConfigFlags(true).WithDiscoveryBurst(300).WithDiscoveryQPS(50.0)
	}
	root := &cobra.Command{
		Use:   "kubectl-akash",
		Short: "Operate an Akash Network provider's Kubernetes cluster safely",
		Long: longDesc(`
			kubectl akash replaces the shell runbooks Akash providers run from cron:
			every finding is attributed to its pod and lease, and every change is
			planned, printed, confirmed (--yes) and can be rehearsed (--dry-run).`),
		SilenceUsage:  true,
		SilenceErrors: true,
		Annotations: map[string]string{
			cobra.CommandDisplayNameAnnotation: "kubectl akash",
		},
		// No Run: without a subcommand, print help.
		PersistentPreRunE: g.preRun,
	}
	root.SetIn(g.Streams.In)
	root.SetOut(g.Streams.Out)
	root.SetErr(g.Streams.ErrOut)

	pf := root.PersistentFlags()
	g.ConfigFlags.AddFlags(pf)
	pf.StringVar(&g.LeaseNamespace, "lease-namespace", akash.DefaultLeaseNamespace, "Namespace of the provider's Manifest, ProviderHost and ProviderLeasedIP objects.")
	pf.StringVar(&g.ProviderNamespace, "provider-namespace", akash.DefaultProviderNamespace, "Namespace of the akash-provider service.")
	globalflags.AddKlog(pf)
	g.profile.AddFlags(pf)
	g.fleet = fleet.NewFlags(&g.Globals, g.tree, map[string]fleet.AnswerFunc{"doctor": doctor.AnswerFleet})
	pf.StringSliceVar(&g.fleet.Contexts, "contexts", nil, "Run a read or check command on these kubeconfig contexts and merge the answers: names, /regex/, ^name or ^/regex/ to leave out (comma-separated or repeated).")
	pf.BoolVar(&g.fleet.All, "all-contexts", false, "Run a read or check command on every kubeconfig context and merge the answers.")
	pf.StringVar(&g.fleet.Fleet, "fleet", "", "Run a read or check command on the contexts of this fleet of $XDG_CONFIG_HOME/kubectl-akash/config.yaml, with their settings.")
	pf.IntVar(&g.fleet.Parallel, "parallel-contexts", g.fleet.Parallel, "With --contexts, --all-contexts or --fleet: how many contexts to read at once.")
	pf.StringVar(&g.plugins.File, plugins.FileFlag, "", "A plugins.yaml whose commands to add (default $XDG_CONFIG_HOME/kubectl-akash/plugins.yaml).")

	addHelpGroups(root)
	root.AddCommand(
		NewVersionCmd(g),
		NewLeasesCmd(g),
		NewDanglingCmd(g),
		NewReplicaSetsCmd(g),
		NewPodsCmd(g),
		NewManifestsCmd(g),
		NewNodeDebugCmd(g),
		NewCertsCmd(g),
		agent.NewCommand(g.Streams.Out, g.Streams.ErrOut, os.Getenv(nodedebug.EnvNodeName)),
		NewProviderCmd(g),
		NewDoctorCmd(g),
		NewPluginsCmd(g),
	)
	args := g.Args
	if args == nil {
		args = os.Args[1:]
	}
	g.plugins.AddTo(root, &g.Globals, kubectlakash.PluginsYAML, args)
	root.AddCommand(NewOptionsCmd(root))
	usage.Install(root, optionsCmdName)
	if completing(args) {
		registerCompletions(root, g)
	}
	return root
}

// completing says whether this run may answer the shell's completion
// request (cobra finds __complete behind global flags too): the completion
// functions are registered only then, since walking every command's flags
// to register them costs each other run two milliseconds.
func completing(args []string) bool {
	return slices.Contains(args, cobra.ShellCompRequestCmd) || slices.Contains(args, cobra.ShellCompNoDescRequestCmd)
}

// preRun runs before every command: the global flags are checked before
// any command reads the cluster, progress goes to stderr when it is a
// terminal, the profile starts, and --contexts, --all-contexts or --fleet
// may take the command over.
func (g *Globals) preRun(cmd *cobra.Command, args []string) error {
	if err := cli.FirstError(g.plugins.Check, func() error { return globalflags.Check(cmd, &g.Globals) }); err != nil {
		return err
	}
	cmd.SetContext(progress.With(cmd.Context(), progress.ForTerminal(g.Streams.ErrOut)))
	if err := g.profile.Start(); err != nil {
		return err
	}
	return g.fleet.TakeOver(cmd, args)
}

// tree is a new command tree for one context of a fleet run, with Globals
// of its own: new kubeconfig flags, so a new REST config and clients.
func (g *Globals) tree(argv []string, streams genericiooptions.IOStreams) (*cobra.Command, func() error) {
	child := &Globals{Globals: cli.Globals{Streams: streams}, Args: argv}
	return NewRootCmdWithGlobals(child), child.Finish
}
