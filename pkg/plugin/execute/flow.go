package execute

import (
	"context"
	"fmt"
	"io"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Flow is the plan → confirm → execute → report sequence every mutating
// command runs. The command builds Result (its result objects, which hold
// the Actions) and hands the rest to Run.
type Flow struct {
	Options *Options
	Streams genericiooptions.IOStreams
	Output  *output.Flags
	// Result is what gets printed; it embeds the actions, so outcomes show.
	Result any
	// Table renders Result for people.
	Table output.TableFunc
	// Actions are pointers into Result.
	Actions []*Action
	// Question states the change for the prompt ("Delete 3 ReplicaSets.").
	Question string
	// Execute applies the planned actions and returns how many failed.
	Execute func(ctx context.Context, actions []*Action) (failed int)
}

// CountPlanned counts the actions still to do.
func CountPlanned(actions []*Action) int {
	n := 0
	for _, a := range actions {
		if a.Result == Planned {
			n++
		}
	}
	return n
}

// Run prints the plan, asks when it must, applies the actions and prints
// every object's outcome. It returns an error with exit code 1 when any
// action failed; the table says which and why.
func (f *Flow) Run(ctx context.Context) error {
	planned := CountPlanned(f.Actions)
	if planned == 0 {
		return f.Output.Print(f.Streams.Out, f.Result, f.Table)
	}
	if f.Options.DryRun == cmdutil.DryRunNone { // a real run: show the plan first
		if err := f.printPlan(); err != nil {
			return err
		}
		if err := f.Options.Confirm(f.Streams, f.Question); err != nil {
			return err
		}
	}
	failed := f.Execute(ctx, f.Actions)
	if err := f.Output.Print(f.Streams.Out, f.Result, f.Table); err != nil {
		return err
	}
	if failed > 0 {
		return &cli.ExitError{Code: cli.ExitFailure, Err: fmt.Errorf("%d of %d planned actions failed (see the RESULT of each object)", failed, planned)}
	}
	return nil
}

// printPlan shows the plan: on stdout when stdout is a human table, and on
// stderr as a table when stdout carries machine output or the prompt needs
// it, so a JSON consumer never sees the plan mixed in.
func (f *Flow) printPlan() error {
	var w io.Writer = f.Streams.Out
	if !f.Output.Human() {
		if !f.Options.NeedsConfirmation() {
			return nil // --yes with -o json: the final objects carry the plan
		}
		w = f.Streams.ErrOut
	}
	fmt.Fprintln(w, "Plan:")
	if err := f.Output.PrintTable(w, f.Table); err != nil {
		return err
	}
	if f.Output.Human() {
		fmt.Fprintln(w)
	}
	return nil
}
