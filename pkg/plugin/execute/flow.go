package execute

import (
	"context"
	"fmt"
	"io"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/interrupt"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Flow is the plan → confirm → execute → report sequence every mutating
// command runs. The command builds Result (its result objects, which hold
// the actions) and the Plan of those actions, registers the appliers its
// verbs need on Engine, and hands the rest to Run.
type Flow struct {
	Options *Options
	Streams genericiooptions.IOStreams
	Output  *output.Flags
	// Result is what gets printed; it embeds the actions, so outcomes show.
	Result any
	// Table renders Result for people.
	Table output.TableFunc
	// Plan groups the actions (pointers into Result) by subject.
	Plan *Plan
	// Engine applies the plan; nil when nothing is planned.
	Engine *Engine
	// Question states the change for the prompt ("Delete 3 ReplicaSets.").
	Question string
	// Cap, when set, bounds how many subjects one run may act on.
	Cap *Cap
	// After, when set, runs once the plan has been applied, before the
	// outcomes are printed (to fold outcomes into the result objects).
	After func()
}

// Cap is a blast-radius limit: a run that would act on more subjects than
// Max is refused before anything is asked or done.
type Cap struct {
	Max  int
	Noun string // "lease(s)"
	Flag string // "--max-leases"
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

// Run prints the plan, asks when it must, applies the plan and prints
// every object's outcome. It returns an error with exit code 1 when any
// action failed (the table says which and why), and 130 when a Ctrl-C
// stopped it (at the prompt: nothing done).
func (f *Flow) Run(ctx context.Context) error {
	if f.Plan == nil {
		f.Plan = &Plan{}
	}
	planned := CountPlanned(f.Plan.Actions())
	if planned == 0 {
		return f.Output.Print(f.Streams.Out, f.Result, f.Table)
	}
	if f.Cap != nil && f.Plan.Subjects() > f.Cap.Max {
		return fmt.Errorf("refusing to act on %d %s in one run (at most %d): narrow the selection, or raise %s if you mean all of them",
			f.Plan.Subjects(), f.Cap.Noun, f.Cap.Max, f.Cap.Flag)
	}
	if f.Options.DryRun == cmdutil.DryRunNone { // a real run: show the plan first
		if err := f.printPlan(); err != nil {
			return err
		}
		if err := f.Options.Confirm(ctx, f.Streams, f.Question); err != nil {
			return err
		}
	}
	if f.Engine == nil {
		return fmt.Errorf("%d action(s) planned but no executor given: this is a bug", planned)
	}
	rep := f.Engine.Run(ctx, f.Plan)
	if f.After != nil {
		f.After()
	}
	if err := f.Output.Print(f.Streams.Out, f.Result, f.Table); err != nil {
		return err
	}
	if rep.Interrupted {
		return &cli.ExitError{Code: interrupt.ExitCode, Err: fmt.Errorf("interrupted: %d of %d planned action(s) done, %d failed, %d not started (see the RESULT of each object)",
			rep.Done, planned, rep.Failed, rep.NotStarted)}
	}
	if rep.Failed > 0 {
		return &cli.ExitError{Code: cli.ExitFailure, Err: fmt.Errorf("%d of %d planned actions failed (see the RESULT of each object)", rep.Failed, planned)}
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
