package agent_test

import (
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	_ "github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	_ "github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs/renew"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	_ "github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu"
	_ "github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodecheck"
	_ "github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	_ "github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodeinfo"
	_ "github.com/kubectl-akash/kubectl-akash/pkg/plugin/zombies"
)

// TestAgentRefusesOffLinux: off Linux every agent subcommand, whatever its
// flags, fails with one sentence saying it runs on Linux nodes.
func TestAgentRefusesOffLinux(t *testing.T) {
	for _, args := range [][]string{
		{"agent"},
		{"agent", "zombies", "--kill", "--yes", "--parent=12:34"},
		{"agent", "gpu", "--no-such-flag"},
		{"agent", "certs-renew", "guard"},
		{"agent", "shell", "--", "id"},
		{"agent", "pause", "--for=1h"},
	} {
		var errOut strings.Builder
		cmd := agent.NewCommand(io.Discard, io.Discard, "")
		agent.RefuseOffLinux(cmd, "darwin")
		cmd.SetArgs(args[1:])
		cmd.SetErr(&errOut)
		cmd.SetOut(&errOut)
		err := cmd.Execute()
		want := "kubectl-akash agent runs on Linux nodes, inside node-debug's pods, not on darwin"
		if err == nil || err.Error() != want || cli.CodeOf(err) == cli.ExitOK {
			t.Errorf("%v: %v, want %q", args, err, want)
		}
	}
}

// TestAgentSubcommandsAreTheDeclarations: every declared command is an
// agent subcommand.
func TestAgentSubcommandsAreTheDeclarations(t *testing.T) {
	var got []string
	for _, c := range agent.NewCommand(io.Discard, io.Discard, "").Commands() {
		got = append(got, c.Name())
	}
	for _, want := range []string{"certs", "certs-renew", "checks", "gpu", "info", "pause", "shell", "zombies"} {
		if !slices.Contains(got, want) {
			t.Errorf("no agent %s among %v", want, got)
		}
	}
}
