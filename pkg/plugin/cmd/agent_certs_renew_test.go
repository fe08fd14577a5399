package cmd

import (
	"strings"
	"testing"
)

// TestAgentStepsThatChangeTheNodeNeedTheConfirmedPlan: the hidden agent
// steps are the engine's node side; run by hand they must not act.
func TestAgentStepsThatChangeTheNodeNeedTheConfirmedPlan(t *testing.T) {
	skipAgentOffLinux(t)
	for _, step := range []string{"etcd-snapshot", "backup", "kubeadm-certs-renew", "restart-static-pod", "restart-etcd-service", "guard"} {
		_, stderr, code := runPlugin(t, "agent", "certs-renew", "--step", step, "--host-root", t.TempDir())
		if code != 1 || !strings.Contains(stderr, "never asks") {
			t.Errorf("%s without --yes: exit %d %q", step, code, stderr)
		}
		_, stderr, code = runPlugin(t, "agent", "certs-renew", "--options", `{"step":"`+step+`"}`, "--host-root", t.TempDir())
		if code != 1 || !strings.Contains(stderr, "never asks") {
			t.Errorf("%s as the plugin sends it, without yes: exit %d %q", step, code, stderr)
		}
	}
}
