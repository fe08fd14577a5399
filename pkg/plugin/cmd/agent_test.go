package cmd

import (
	"runtime"
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
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
		agent := NewAgentCmd(&Globals{})
		refuseOffLinux(agent, "darwin")
		agent.SetArgs(args[1:])
		agent.SetErr(&errOut)
		agent.SetOut(&errOut)
		err := agent.Execute()
		want := "kubectl-akash agent runs on Linux nodes, inside node-debug's pods, not on darwin"
		if err == nil || err.Error() != want || cli.CodeOf(err) == cli.ExitOK {
			t.Errorf("%v: %v, want %q", args, err, want)
		}
	}
}

// skipAgentOffLinux skips a test that runs the agent, which refuses off Linux.
func skipAgentOffLinux(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the agent runs on Linux nodes only")
	}
}
