package cmd

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/globalflags"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/plugins"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/profile"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/progress"
)

// Globals are the persistent flags every command sees, and the streams
// (cli.Globals, which commands' Options take), with what the root command
// itself owns: the plugins, the profile and the fleet flags.
type Globals struct {
	cli.Globals
	// Args are the command-line arguments (default os.Args[1:]); they are
	// scanned for --plugins before the command tree is built, since the
	// plugin commands are part of it.
	Args []string

	pluginsFile string
	plugins     *plugins.Set
	// pluginsErr is why an explicitly named --plugins file could not be
	// read; the command fails with it before doing anything.
	pluginsErr error
	profile    profile.Profiler
	fleet      fleetFlags
}

// Finish ends what the root command began for the whole run: it writes the
// --profile, whether the command succeeded or not. main calls it after
// Execute.
func (g *Globals) Finish() error {
	return g.profile.Stop()
}

// validate checks the global flags, before any command reads the cluster
// (package globalflags). A command may have a -n of its own (node-debug
// zombies): only the global one is checked.
func (g *Globals) validate(cmd *cobra.Command) error {
	if g.pluginsErr != nil {
		return g.pluginsErr
	}
	v := globalflags.Values{LeaseNamespace: g.LeaseNamespace, ProviderNamespace: g.ProviderNamespace}
	if t := g.ConfigFlags.Timeout; t != nil {
		v.RequestTimeout = *t
	}
	if f := cmd.Flags().Lookup("namespace"); f != nil && f == cmd.Root().PersistentFlags().Lookup("namespace") && f.Changed {
		v.Namespace = g.ConfigFlags.Namespace
	}
	if f := cmd.Flags().Lookup("all-namespaces"); f != nil && f.Annotations[cli.AllNamespacesAnnotation] != nil {
		v.AllNamespaces = f.Value.String() == "true"
	}
	return v.Validate()
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
	streams := g.Streams
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
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := g.validate(cmd); err != nil {
				return err
			}
			// Progress on stderr when it is a terminal (package progress).
			cmd.SetContext(progress.With(cmd.Context(), progress.ForTerminal(streams.ErrOut)))
			if err := g.profile.Start(); err != nil {
				return err
			}
			return g.fleet.takeOver(g, cmd, args) // --contexts, --all-contexts, --fleet
		},
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())
	})

	pf := root.PersistentFlags()
	g.ConfigFlags.AddFlags(pf)
	pf.StringVar(&g.LeaseNamespace, "lease-namespace", akash.DefaultLeaseNamespace, "Namespace of the provider's Manifest, ProviderHost and ProviderLeasedIP objects.")
	pf.StringVar(&g.ProviderNamespace, "provider-namespace", akash.DefaultProviderNamespace, "Namespace of the akash-provider service.")
	globalflags.AddKlog(pf)
	g.profile.AddFlags(pf)
	g.fleet = newFleetFlags()
	g.fleet.addFlags(root, g)
	pf.StringVar(&g.pluginsFile, pluginsFlag, "", "A plugins.yaml whose commands to add (default $XDG_CONFIG_HOME/kubectl-akash/plugins.yaml).")

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
		NewAgentCmd(g),
		NewProviderCmd(g),
		NewDoctorCmd(g),
		NewPluginsCmd(g),
	)
	args := g.Args
	if args == nil {
		args = os.Args[1:]
	}
	addPluginCommands(root, g, args)
	root.AddCommand(NewOptionsCmd(root))
	wireGroups(root)
	root.SetUsageFunc(usageFunc(root))
	registerCompletions(root, g)
	return root
}
