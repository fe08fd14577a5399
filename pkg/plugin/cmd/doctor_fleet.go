package cmd

import (
	"errors"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/doctor"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/fleet"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// runDoctorFleet is doctor over several contexts. Each context runs doctor
// in its own command tree and client stack (its node checks' debug pods
// too) and hands back its report; doctor.FleetAnswer scores and prints the
// fleet. What is read here is the operator's -o, --jq and --min-score.
func (g *Globals) runDoctorFleet(cmd *cobra.Command, inv fleet.Invocation, members []fleet.Member) error {
	var out *output.Flags
	prometheus := cmd.Flags().Lookup("output").Value.String() == formatPrometheus
	if prometheus {
		if f := cmd.Flags().Lookup("jq"); f != nil && f.Changed {
			return errors.New("--jq filters JSON output and cannot be combined with -o prometheus")
		}
	} else {
		var err error
		if out, err = fleet.ParentOutput(cmd); err != nil {
			return err
		}
	}
	minScore, err := strconv.Atoi(cmd.Flags().Lookup("min-score").Value.String())
	if err != nil {
		return err
	}
	outcomes, err := g.fleet.RunMembers(cmd.Context(), inv, members, true)
	if err != nil {
		return err
	}
	return doctor.FleetAnswer(g.Streams.Out, g.Streams.ErrOut, out, prometheus, outcomes, minScore)
}
