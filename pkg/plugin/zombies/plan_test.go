package zombies

import (
	"context"
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// TestPlanAndDryRunFromAReport: the client plans and rehearses a kill from
// a node's report on any OS (only the scan and the signals need the node).
func TestPlanAndDryRunFromAReport(t *testing.T) {
	pod := &Pod{UID: "u1", Namespace: "lease-ns", Name: "web-0", LeaseNamespace: true}
	r := &Report{Status: ReportStatus{Node: "n1", Parents: []Parent{
		{PID: 4711, Command: "app", StartTicks: 9, CatchesSIGCHLD: true, Zombies: 3, Pod: pod},
		{PID: 4712, Command: "init", StartTicks: 9, ContainerInit: true, Zombies: 1, Pod: pod},
		{PID: 1, Command: "systemd", StartTicks: 1, Zombies: 1},
	}}}
	actions := Plan(r, KillOptions{})
	want := []struct {
		result execute.Result
		prefix string
	}{
		{execute.Planned, "SIGCHLD, then SIGTERM, then SIGKILL"},
		{execute.Skipped, "no signal can make it reap: no SIGCHLD"},
		{execute.Skipped, "not signalled: it is the host's PID 1"},
	}
	for i, a := range actions {
		if a.Result != want[i].result || !strings.HasPrefix(a.Message, want[i].prefix) {
			t.Fatalf("parent %d: %s %q, want %s %q...", i, a.Result, a.Message, want[i].result, want[i].prefix)
		}
	}
	if failed := Execute(context.Background(), procfs.FS{}, r, KillOptions{DryRun: true}); failed != 0 {
		t.Fatalf("a dry run failed %d", failed)
	}
	if a := r.Status.Parents[0].Action; a.Result != execute.DryRun || !strings.Contains(a.Message, "nothing sent") {
		t.Fatalf("dry run: %s %q", a.Result, a.Message)
	}
}
