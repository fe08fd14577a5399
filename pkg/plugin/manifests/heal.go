package manifests

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/rollout"
)

// Heal is the plan of manifests heal and what it needs to fold the
// outcomes back into the result objects.
type Heal struct {
	Plan     *execute.Plan
	items    []rollout.LostCommand
	restarts []*execute.Action
}

// PlanHeal orders the repair for the executor: the backup first, as a gate
// (no patch without it); one group per Manifest patch (the services of one
// Manifest share it); then, when providerPods are given, deleting them so
// the provider re-reads its Manifests — only if a patch landed. The
// restarts are attached to every healed service, so each row shows
// whether the restart happened.
func PlanHeal(items []rollout.LostCommand, providerPods []corev1.Pod, backup *execute.Action) *Heal {
	patches := rollout.Patches(items)
	h := &Heal{Plan: &execute.Plan{}, items: items}
	if len(patches) == 0 {
		return h
	}
	h.Plan.Add("backup", backup).Gate = true
	for _, a := range patches {
		h.Plan.Add("manifest "+a.Target.Namespace+"/"+a.Target.Name, a)
	}
	for i := range providerPods {
		p := &providerPods[i]
		h.restarts = append(h.restarts, execute.NewDelete(execute.Target{
			Version: "v1", Resource: "pods", Kind: "Pod", Namespace: p.Namespace, Name: p.Name, UID: string(p.UID),
		}))
	}
	if len(h.restarts) == 0 {
		return h
	}
	for i := range items {
		if len(items[i].Status.Actions) > 0 {
			items[i].Status.Actions = append(items[i].Status.Actions, h.restarts...)
		}
	}
	h.Plan.Add("akash-provider", h.restarts...).When = func() (bool, string) {
		for _, a := range patches {
			if a.Result == execute.Succeeded || a.Result == execute.DryRun {
				return true, ""
			}
		}
		return false, "no Manifest was patched, so the provider need not restart"
	}
	return h
}

// MarkRestarted clears ProviderRestartNeeded where the service was
// patched and every provider pod was deleted (after a real run).
func (h *Heal) MarkRestarted() {
	if len(h.restarts) == 0 {
		return
	}
	for _, r := range h.restarts {
		if r.Result != execute.Succeeded && r.Result != execute.NotFound {
			return
		}
	}
	for i := range h.items {
		if len(h.items[i].Status.Actions) > 0 && h.items[i].Status.Actions[0].Result == execute.Succeeded {
			h.items[i].Status.ProviderRestartNeeded = false
		}
	}
}
