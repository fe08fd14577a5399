package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/fleet"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// FleetAnswer builds doctor's answer over several contexts from what each
// context's run printed, prints it and returns the fleet's exit status:
// a table with a block per context and the FLEET line, the FleetReport
// as -o asks, or one Prometheus exposition with a context label on every
// sample. --min-score applies to the fleet's score.
func FleetAnswer(stdout, stderr io.Writer, out *output.Flags, prometheus bool, outcomes []fleet.Outcome, minScore int) error {
	runs := make([]ContextReport, 0, len(outcomes))
	for _, o := range outcomes {
		runs = append(runs, fromOutcome(o))
	}
	fr := BuildFleet("doctor", runs, minScore)
	var err error
	switch {
	case prometheus:
		fleet.PrintFailures(stderr, outcomes)
		err = WritePrometheusFleet(stdout, fr)
	case out.Human():
		err = PrintFleetHuman(stdout, out, fr)
	default:
		fleet.PrintFailures(stderr, outcomes)
		err = out.Print(stdout, fr, nil)
	}
	if err != nil {
		return err
	}
	switch errs, failing := fr.Verdict(); {
	case errs:
		return cli.Silent(cli.ExitFailure)
	case failing:
		return cli.Silent(cli.ExitFindings)
	}
	return nil
}

// fromOutcome reads one context's report from what its run printed; a run
// that printed none is the context's error.
func fromOutcome(o fleet.Outcome) ContextReport {
	r := ContextReport{Context: o.Context}
	if o.Failed() {
		r.Error = fleet.Reason(o)
	}
	raw, err := fleet.LastResult(o.Stdout)
	if err == nil && raw != nil {
		rep := &Report{}
		if err = json.Unmarshal(raw, rep); err == nil {
			r.Report = rep
			return r
		}
	}
	if err != nil {
		r.Error = fmt.Sprintf("reading its report: %v", err)
	} else if r.Error == "" {
		r.Error = "doctor printed no report"
	}
	return r
}

// RunFleet is doctor over several contexts, given its parsed flags: each
// context runs doctor in its own command tree and client stack (its node
// checks' debug pods too) and hands back its report in its envelope
// (runMembers); FleetAnswer scores and prints the fleet. What is read here
// is the operator's -o (parentOutput rebuilds the shared output flags,
// which do not know prometheus), --jq and --min-score.
func RunFleet(flags *pflag.FlagSet, stdout, stderr io.Writer, parentOutput func() (*output.Flags, error), runMembers func() ([]fleet.Outcome, error)) error {
	var out *output.Flags
	prometheus := flags.Lookup("output").Value.String() == FormatPrometheus
	if prometheus {
		if f := flags.Lookup("jq"); f != nil && f.Changed {
			return errJQPrometheus
		}
	} else {
		var err error
		if out, err = parentOutput(); err != nil {
			return err
		}
	}
	minScore, err := strconv.Atoi(flags.Lookup("min-score").Value.String())
	if err != nil {
		return err
	}
	outcomes, err := runMembers()
	if err != nil {
		return err
	}
	return FleetAnswer(stdout, stderr, out, prometheus, outcomes, minScore)
}
