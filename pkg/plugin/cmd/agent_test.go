package cmd

import (
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodeinfo"
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

// TestAgentSubcommandsAreTheDeclarations: every declared command is an
// agent subcommand, beside the ones still written by hand.
func TestAgentSubcommandsAreTheDeclarations(t *testing.T) {
	var got []string
	for _, c := range NewAgentCmd(&Globals{}).Commands() {
		got = append(got, c.Name())
	}
	for _, want := range []string{"certs", "certs-renew", "checks", "gpu", "info", "pause", "shell", "zombies"} {
		if !slices.Contains(got, want) {
			t.Errorf("no agent %s among %v", want, got)
		}
	}
}

// TestAgentInfoRoundTrip: the command line the protocol builds runs the
// generated subcommand (the roots moved to this machine's), and the
// protocol decodes what it printed.
func TestAgentInfoRoundTrip(t *testing.T) {
	skipAgentOffLinux(t)
	argv := append(nodeinfo.Agent.Argv(nodeinfo.Options{})[1:], "--host-root", "/", "--proc-root", "/proc", "--node-name", "n1")
	stdout, stderr, code := runPlugin(t, argv...)
	info := nodeinfo.FromAnswer(agent.Answer{Node: "n1", Stdout: []byte(stdout), ExitCode: code})
	if code != 0 || info.Name != "n1" || info.Status.Error != "" || info.Status.KernelRelease == "" {
		t.Fatalf("exit %d: %+v\n%s%s", code, info, stdout, stderr)
	}
}
