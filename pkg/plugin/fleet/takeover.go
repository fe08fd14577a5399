package fleet

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Flags are the root's fleet flags (Selection) and what it takes to fan a
// command out: every command has them, and the root decides before any
// command runs whether it fans out (TakeOver).
type Flags struct {
	Selection
	g       *cli.Globals
	tree    Tree
	answers map[string]AnswerFunc
}

// Tree builds a new command tree, with Globals of its own, that runs argv
// and prints to streams, and the function that ends its run (main's
// Finish).
type Tree func(argv []string, streams genericiooptions.IOStreams) (root *cobra.Command, finish func() error)

// AnswerFunc prints the fleet answer of a command whose answer is not one
// merged list (doctor's scored report): cmd holds the operator's parsed
// flags, and runMembers runs every member in its envelope.
type AnswerFunc func(cmd *cobra.Command, streams genericiooptions.IOStreams, runMembers func() ([]Outcome, error)) error

// NewFlags holds the fleet flags' defaults; the runs are trees built by
// tree, and answers are the commands (by name) that print their own
// answer.
func NewFlags(g *cli.Globals, tree Tree, answers map[string]AnswerFunc) *Flags {
	return &Flags{Selection: Selection{Parallel: DefaultParallel}, g: g, tree: tree, answers: answers}
}

// TakeOver validates the fleet flags and, when they select contexts, puts
// the fan-out in place of the command's own Run: the command then runs once
// per context, each time in a command tree and client stack of its own.
// Commands that change something, or read no cluster, refuse here, before
// anything is read.
func (f *Flags) TakeOver(cmd *cobra.Command, args []string) error {
	c := cmd.Flags().Lookup("context")
	f.OneContext = c != nil && c.Changed
	if err := f.Validate(); err != nil || !f.Wanted() {
		return err
	}
	inv := InvocationOf(cmd, args)
	plan, err := f.Decide(inv, func() ([]string, error) { return KubeconfigContexts(f.g.ConfigFlags) })
	if plan != nil {
		for _, w := range plan.Warnings {
			fmt.Fprintf(f.g.Streams.ErrOut, "warning: %s\n", w)
		}
	}
	if err != nil {
		return err
	}
	cmd.PreRun, cmd.PreRunE, cmd.Run = nil, nil, nil
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return f.run(cmd, inv, plan) }
	return nil
}

// run is the command's Run once TakeOver has put the fan-out in its place.
func (f *Flags) run(cmd *cobra.Command, inv Invocation, plan *Fanout) error {
	if plan.OneCluster != "" { // one context: the command as it is, with that context's settings
		return RunError(f.child(cmd.Context(), inv.Argv(plan.Members[0], false), f.g.Streams))
	}
	if answer := f.answers[inv.Name()]; answer != nil {
		return answer(cmd, f.g.Streams, func() ([]Outcome, error) { return f.RunMembers(cmd.Context(), inv, plan.Members, true) })
	}
	out, err := ParentOutput(cmd)
	if err != nil {
		return err
	}
	outcomes, err := f.RunMembers(cmd.Context(), inv, plan.Members, out != nil)
	if err != nil {
		return err
	}
	return Print(f.g.Streams.Out, f.g.Streams.ErrOut, out, outcomes)
}

// InvocationOf is the parsed command line as this package reads it.
func InvocationOf(cmd *cobra.Command, args []string) Invocation {
	var path []string
	for c := cmd; c.HasParent(); c = c.Parent() {
		path = append([]string{c.Name()}, path...)
	}
	names := map[string]bool{}
	scratch := &cobra.Command{}
	output.NewFlags().AddFlags(scratch)
	scratch.Flags().VisitAll(func(f *pflag.Flag) { names[f.Name] = true })
	return Invocation{Path: path, Flags: cmd.Flags(), Args: args, OutputFlags: names}
}

// RunMembers runs the command once per member, each in its own command
// tree and client stack (with --output=envelope when envelope is set).
func (f *Flags) RunMembers(ctx context.Context, inv Invocation, members []Member, envelope bool) ([]Outcome, error) {
	known, err := KubeconfigContexts(f.g.ConfigFlags)
	if err != nil {
		return nil, err
	}
	return RunMembers(ctx, inv, members, f.Parallel, envelope, known, f.child, f.g.Streams.ErrOut), nil
}

// ParentOutput is the output flags the operator gave, rebuilt from the
// command's parsed flags, so the merged answer prints as -o asks; nil for
// a command without -o, whose text is passed through.
func ParentOutput(cmd *cobra.Command) (*output.Flags, error) {
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

// child runs argv in a new command tree: new kubeconfig flags, so a new
// REST config, clients, discovery and REST mapper. Nothing built for one
// context is reachable from another's run; a panic is that run's failure.
func (f *Flags) child(ctx context.Context, argv []string, streams genericiooptions.IOStreams) (code int, msg string) {
	defer func() {
		if p := recover(); p != nil {
			code, msg = cli.ExitFailure, fmt.Sprintf("the command panicked: %v", p)
		}
	}()
	root, finish := f.tree(argv, streams)
	root.SetArgs(argv)
	err := root.ExecuteContext(ctx)
	if perr := finish(); err == nil {
		err = perr
	}
	return cli.CodeOf(err), cli.Message(err)
}

// RunError is the error a run in context ended with (nil for success).
func RunError(code int, msg string) error {
	switch {
	case code == cli.ExitOK:
		return nil
	case msg == "":
		return cli.Silent(code)
	}
	return &cli.ExitError{Code: code, Err: errors.New(msg)}
}
