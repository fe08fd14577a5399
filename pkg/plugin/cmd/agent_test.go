package cmd

import (
	"runtime"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodeinfo"
)

// skipAgentOffLinux skips a test that runs the agent, which refuses off Linux.
func skipAgentOffLinux(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the agent runs on Linux nodes only")
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
