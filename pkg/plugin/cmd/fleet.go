package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/doctor"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/fleet"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// fleetFlags are the root's --contexts, --all-contexts, --fleet and
// --parallel-contexts: every command has them, and the root decides before
// any command runs whether it fans out (takeOver). What may fan out, the
// runs and the merged answer are package fleet's; what is here knows cobra.
type fleetFlags struct{ fleet.Selection }

// newFleetFlags holds the fleet flags' defaults.
func newFleetFlags() fleetFlags {
	return fleetFlags{fleet.Selection{Parallel: fleet.DefaultParallel}}
}

// addFlags adds the fleet flags to the root, with their completions: the
// kubeconfig's contexts, and config.yaml's fleets.
func (f *fleetFlags) addFlags(root *cobra.Command, g *Globals) {
	pf := root.PersistentFlags()
	pf.StringSliceVar(&f.Contexts, "contexts", nil, "Run a read or check command on these kubeconfig contexts and merge the answers: names, /regex/, ^name or ^/regex/ to leave out (comma-separated or repeated).")
	pf.BoolVar(&f.All, "all-contexts", false, "Run a read or check command on every kubeconfig context and merge the answers.")
	pf.StringVar(&f.Fleet, "fleet", "", "Run a read or check command on the contexts of this fleet of $XDG_CONFIG_HOME/kubectl-akash/config.yaml, with their settings.")
	pf.IntVar(&f.Parallel, "parallel-contexts", f.Parallel, "With --contexts, --all-contexts or --fleet: how many contexts to read at once.")
	contexts := completeKubeconfig(g, "context")
	_ = root.RegisterFlagCompletionFunc("contexts", func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		head := toComplete[:strings.LastIndex(toComplete, ",")+1] // a list: complete its last name
		names, directive := contexts(c, args, strings.TrimPrefix(toComplete, head))
		for i := range names {
			names[i] = head + names[i]
		}
		return names, directive
	})
	_ = root.RegisterFlagCompletionFunc("fleet", func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return filterNames(fleet.FleetNames(), toComplete, nil), cobra.ShellCompDirectiveNoFileComp
	})
}

// takeOver validates the fleet flags and, when they select contexts, puts
// the fan-out in place of the command's own Run: the command then runs once
// per context, each time in a command tree and client stack of its own.
// Commands that change something, or read no cluster, refuse here, before
// anything is read.
func (f *fleetFlags) takeOver(g *Globals, cmd *cobra.Command, args []string) error {
	c := cmd.Flags().Lookup("context")
	f.OneContext = c != nil && c.Changed
	if err := f.Validate(); err != nil || !f.Wanted() {
		return err
	}
	inv := invocation(cmd, args)
	plan, err := f.Decide(inv, func() ([]string, error) { return fleet.KubeconfigContexts(g.ConfigFlags) })
	if plan != nil {
		for _, w := range plan.Warnings {
			fmt.Fprintf(g.Streams.ErrOut, "warning: %s\n", w)
		}
	}
	if err != nil {
		return err
	}
	cmd.PreRun, cmd.PreRunE, cmd.Run = nil, nil, nil
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if plan.OneCluster != "" { // one context: the command as it is, with that context's settings
			code, msg := g.runInContext(cmd.Context(), inv.Argv(plan.Members[0], false), g.Streams)
			return runError(code, msg)
		}
		if inv.Name() == "doctor" { // one scored report, not a list
			return doctor.RunFleet(cmd.Flags(), g.Streams.Out, g.Streams.ErrOut, func() (*output.Flags, error) { return parentOutput(cmd) },
				func() ([]fleet.Outcome, error) { return g.runMembers(cmd.Context(), inv, plan.Members, true) })
		}
		out, err := parentOutput(cmd)
		if err != nil {
			return err
		}
		outcomes, err := g.runMembers(cmd.Context(), inv, plan.Members, out != nil)
		if err != nil {
			return err
		}
		return fleet.Print(g.Streams.Out, g.Streams.ErrOut, out, outcomes)
	}
	return nil
}

// invocation is the parsed command line as package fleet reads it.
func invocation(cmd *cobra.Command, args []string) fleet.Invocation {
	var path []string
	for c := cmd; c.HasParent(); c = c.Parent() {
		path = append([]string{c.Name()}, path...)
	}
	names := map[string]bool{}
	scratch := &cobra.Command{}
	output.NewFlags().AddFlags(scratch)
	scratch.Flags().VisitAll(func(f *pflag.Flag) { names[f.Name] = true })
	return fleet.Invocation{Path: path, Flags: cmd.Flags(), Args: args, OutputFlags: names}
}

// runMembers runs the command once per member, each in its own command
// tree and client stack (with --output=envelope when envelope is set).
func (g *Globals) runMembers(ctx context.Context, inv fleet.Invocation, members []fleet.Member, envelope bool) ([]fleet.Outcome, error) {
	known, err := fleet.KubeconfigContexts(g.ConfigFlags)
	if err != nil {
		return nil, err
	}
	return fleet.RunMembers(ctx, inv, members, g.fleet.Parallel, envelope, known, g.runInContext, g.Streams.ErrOut), nil
}

// parentOutput is the output flags the operator gave, rebuilt from the
// command's parsed flags, so the merged answer prints as -o asks; nil for
// a command without -o, whose text is passed through.
func parentOutput(cmd *cobra.Command) (*output.Flags, error) {
	if cmd.Flags().Lookup("output") == nil {
		return nil, nil
	}
	out := output.NewFlags()
	scratch := &cobra.Command{Use: cmd.Name()}
	out.AddFlags(scratch)
	var err error
	scratch.Flags().VisitAll(func(f *pflag.Flag) {
		if mine := cmd.Flags().Lookup(f.Name); mine != nil && mine.Changed && err == nil {
			err = scratch.Flags().Set(f.Name, mine.Value.String())
		}
	})
	if err != nil {
		return nil, err
	}
	if out.Format() == output.EnvelopeFormat {
		return nil, fmt.Errorf("unknown output format %q", output.EnvelopeFormat)
	}
	return out, out.Validate()
}

// runInContext runs argv in a new command tree with Globals of its own: new
// kubeconfig flags, so a new REST config, clients, discovery and REST
// mapper. Nothing built for one context is reachable from another's run; a
// panic is that run's failure.
func (g *Globals) runInContext(ctx context.Context, argv []string, streams genericiooptions.IOStreams) (code int, msg string) {
	defer func() {
		if p := recover(); p != nil {
			code, msg = cli.ExitFailure, fmt.Sprintf("the command panicked: %v", p)
		}
	}()
	child := &Globals{Globals: cli.Globals{Streams: streams}, Args: argv}
	root := NewRootCmdWithGlobals(child)
	root.SetArgs(argv)
	err := root.ExecuteContext(ctx)
	if perr := child.Finish(); err == nil {
		err = perr
	}
	return cli.CodeOf(err), cli.Message(err)
}

// runError is the error a run in context ended with (nil for success).
func runError(code int, msg string) error {
	switch {
	case code == cli.ExitOK:
		return nil
	case msg == "":
		return cli.Silent(code)
	}
	return &cli.ExitError{Code: code, Err: errors.New(msg)}
}
