package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/doctor"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/fleet"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// runDoctorFleet is doctor over several contexts. Each context runs doctor
// in its own command tree and client stack (its node checks' debug pods
// too) and hands back its report; the answer is one DoctorFleetReport, a
// table with a block per context and the FLEET line, or one Prometheus
// exposition with a context label on every sample. --min-score applies to
// the fleet's score.
func (g *Globals) runDoctorFleet(cmd *cobra.Command, args []string, members []fleet.Member, parallel int) error {
	prometheus := cmd.Flags().Lookup("output").Value.String() == formatPrometheus
	var out *output.Flags
	if prometheus {
		if f := cmd.Flags().Lookup("jq"); f != nil && f.Changed {
			return errors.New("--jq filters JSON output and cannot be combined with -o prometheus")
		}
	} else {
		var err error
		if out, _, err = parentOutput(cmd); err != nil {
			return err
		}
	}
	minScore, err := strconv.Atoi(cmd.Flags().Lookup("min-score").Value.String())
	if err != nil {
		return err
	}
	outcomes, err := g.runMembers(cmd, args, members, parallel, true)
	if err != nil {
		return err
	}
	runs := make([]doctor.ContextReport, 0, len(outcomes))
	for _, o := range outcomes {
		runs = append(runs, doctorRun(o))
	}
	fr := doctor.BuildFleet("doctor", runs, minScore)
	switch {
	case prometheus:
		printFailures(g.Streams.ErrOut, outcomes)
		err = doctor.WritePrometheusFleet(g.Streams.Out, fr)
	case out.Human():
		err = doctor.PrintFleetHuman(g.Streams.Out, out, fr)
	default:
		printFailures(g.Streams.ErrOut, outcomes)
		err = out.Print(g.Streams.Out, fr, nil)
	}
	if err != nil {
		return err
	}
	errs, failing := fr.Verdict()
	switch {
	case errs:
		return cli.Silent(cli.ExitFailure)
	case failing:
		return cli.Silent(cli.ExitFindings)
	}
	return nil
}

// doctorRun reads one context's report from what its run printed; a run
// that printed none is the context's error.
func doctorRun(o fleet.Outcome) doctor.ContextReport {
	r := doctor.ContextReport{Context: o.Context}
	if o.Failed() {
		r.Error = fleet.Reason(o)
	}
	raw, err := fleet.LastResult(o.Stdout)
	if err == nil && raw != nil {
		rep := &doctor.Report{}
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
