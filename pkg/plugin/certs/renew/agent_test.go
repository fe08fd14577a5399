package renew

import (
	"context"
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
)

// TestAgentStepsThatChangeTheNodeNeedTheConfirmedPlan: the node side of
// the renewal run by hand, without the --yes of a confirmed plan, must not
// act, and must say why.
func TestAgentStepsThatChangeTheNodeNeedTheConfirmedPlan(t *testing.T) {
	for _, step := range []string{certs.StepSnapshot, certs.StepBackup, certs.StepKubeadm, certs.StepRestart,
		certs.StepEtcdSvc, certs.StepGuard, certs.StepK3sSnapshot, certs.StepK3sRotate} {
		root := t.TempDir()
		var out strings.Builder
		ops := &certs.NodeOps{Host: certs.Host{Root: root}, Layout: certs.DefaultLayout(root)}
		err := RunAgent(context.Background(), AgentStep{Step: step, Ops: ops}, &out)
		if err == nil || !strings.Contains(err.Error(), "never asks") || out.Len() != 0 {
			t.Errorf("%s without --yes: %v, printed %q", step, err, out.String())
		}
	}
	for _, step := range []string{certs.StepProbe, certs.StepRestartStatus, certs.StepK3sStatus, "read"} {
		if ChangesTheNode(step) {
			t.Errorf("%s only reads and needs no --yes", step)
		}
	}
}

// TestStepArgvPassesYesOnlyToStepsThatChange: the client passes the
// confirmed plan's --yes to the steps that change the node, and never to
// the ones that read.
func TestStepArgvPassesYesOnlyToStepsThatChange(t *testing.T) {
	ops := &certs.NodeOps{Layout: certs.DefaultLayout("/")}
	ops.Defaults()
	for step, want := range map[string]bool{certs.StepProbe: false, certs.StepRestartStatus: false, certs.StepRestart: true, certs.StepK3sRotate: true} {
		argv := stepArgv(ops, step, certs.Restart{})
		if got := argv[len(argv)-1] == "--yes"; got != want || argv[3] != step {
			t.Errorf("%s: %q", step, argv)
		}
	}
}
