package doctor

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/fleet"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// TestRunFleetRefusesBeforeAnyContextRuns: -o prometheus with --jq is one
// sentence, and no context is run; -o prometheus does not go through the
// shared output flags (which do not know it), and its exposition carries
// every context.
func TestRunFleetRefusesBeforeAnyContextRuns(t *testing.T) {
	parse := func(args ...string) *cobra.Command {
		cmd := &cobra.Command{Use: "doctor"}
		o := NewOptions(&cli.Globals{})
		o.AddOutputFlags(cmd)
		cmd.Flags().IntVar(&o.Doctor.MinScore, "min-score", 0, "")
		if err := cmd.ParseFlags(args); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	ran := false
	members := func() ([]fleet.Outcome, error) {
		ran = true
		return []fleet.Outcome{{Context: "a", Code: cli.ExitFailure, Message: "unreachable"}}, nil
	}
	noOutput := func() (*output.Flags, error) {
		t.Error("the shared output flags were read for -o prometheus")
		return nil, nil
	}
	var out, errOut bytes.Buffer
	err := RunFleet(parse("-o", "prometheus", "--jq", ".").Flags(), &out, &errOut, noOutput, members)
	if err == nil || err.Error() != "--jq filters JSON output and cannot be combined with -o prometheus" || ran {
		t.Fatalf("prometheus with --jq: %v, contexts run: %v", err, ran)
	}
	err = RunFleet(parse("-o", "prometheus", "--min-score", "50").Flags(), &out, &errOut, noOutput, members)
	if cli.CodeOf(err) != cli.ExitFailure || !ran || !strings.Contains(out.String(), `context="a"`) {
		t.Fatalf("prometheus: %v\n%s", err, out.String())
	}
}
