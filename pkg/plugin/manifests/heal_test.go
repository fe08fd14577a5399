package manifests

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/rollout"
)

// healWorld is two services of one Manifest (one shared patch) and a
// service that could not be planned.
func healWorld() ([]rollout.LostCommand, *execute.Action) {
	patch := execute.NewPatch(execute.Target{Group: "akash.network", Version: "v2beta2", Resource: "manifests", Kind: "Manifest", Namespace: "lease", Name: "ns1", UID: "m1"})
	items := []rollout.LostCommand{{}, {}, {}}
	items[0].Status = rollout.LostCommandStatus{Actions: []*execute.Action{patch}, ProviderRestartNeeded: true}
	items[1].Status = rollout.LostCommandStatus{Actions: []*execute.Action{patch}, ProviderRestartNeeded: true}
	items[2].Status.Error = "no service web in Manifest lease/ns2"
	return items, patch
}

func backupStep() *execute.Action {
	return execute.NewBackup("backup.yaml", func(context.Context) (string, error) { return "wrote backup.yaml", nil })
}

// TestPlanHealOrder: the backup gates everything, the shared patch runs
// once, and the provider restarts only when a patch landed.
func TestPlanHealOrder(t *testing.T) {
	items, patch := healWorld()
	pods := []corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Namespace: "akash-services", Name: "akash-provider-0", UID: "p1"}}}
	h := PlanHeal(items, pods, backupStep())
	g := h.Plan.Groups
	if len(g) != 3 || g[0].Subject != "backup" || !g[0].Gate || g[1].Subject != "manifest lease/ns1" || len(g[1].Actions) != 1 || g[1].Actions[0] != patch || g[2].Subject != "akash-provider" {
		t.Fatalf("groups %+v", g)
	}
	if len(items[0].Status.Actions) != 2 || len(items[2].Status.Actions) != 0 {
		t.Fatalf("the restart belongs to the healed services only: %+v", items)
	}
	if run, why := g[2].When(); run || why == "" {
		t.Fatalf("no patch landed yet, so no restart: %v %q", run, why)
	}
	patch.Result = execute.Succeeded
	if run, _ := g[2].When(); !run {
		t.Fatal("a patch landed: the provider must restart")
	}
	g[2].Actions[0].Result = execute.Succeeded
	h.MarkRestarted()
	if items[0].Status.ProviderRestartNeeded || items[1].Status.ProviderRestartNeeded {
		t.Fatalf("restarted: %+v", items)
	}
}

// TestPlanHealNothingToPatch: no patch, no backup and no restart.
func TestPlanHealNothingToPatch(t *testing.T) {
	items, _ := healWorld()
	items = items[2:]
	h := PlanHeal(items, []corev1.Pod{{}}, backupStep())
	if len(h.Plan.Groups) != 0 {
		t.Fatalf("groups %+v", h.Plan.Groups)
	}
}
