package failedpods

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

func TestFindOnlyFailedLeasePodsOldEnough(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	id := akash.LeaseID{Owner: akash.EncodeAddress([]byte("owner-owner-owner-01")), DSeq: 7, GSeq: 1, OSeq: 1, Provider: akash.EncodeAddress([]byte("provider-provider-01"))}
	ns := id.Namespace()
	s := &snapshot.Snapshot{Namespaces: []corev1.Namespace{
		{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: akash.LeaseLabels(id)}},
		// copied labels on a namespace that is not the lease's hash
		{ObjectMeta: metav1.ObjectMeta{Name: "ingress", Labels: akash.LeaseLabels(id)}},
	}}
	pod := func(ns, name string, phase corev1.PodPhase, finished time.Time, mod func(*corev1.Pod)) {
		p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: "uid-" + "x", ResourceVersion: "5",
			CreationTimestamp: metav1.NewTime(finished.Add(-time.Hour)), Labels: map[string]string{akash.LabelManifestService: "web"}},
			Status: corev1.PodStatus{Phase: phase, ContainerStatuses: []corev1.ContainerStatus{{Name: "web", State: corev1.ContainerState{
				Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "OOMKilled", FinishedAt: metav1.NewTime(finished)}}}}}}
		if mod != nil {
			mod(&p)
		}
		s.Pods = append(s.Pods, p)
	}
	pod(ns, "oom", corev1.PodFailed, now.Add(-time.Hour), nil)
	pod(ns, "evicted", corev1.PodFailed, now.Add(-time.Hour), func(p *corev1.Pod) {
		p.Status.Reason, p.Status.Message = "Evicted", "The node was low on resource: memory."
	})
	pod(ns, "young", corev1.PodFailed, now.Add(-time.Minute), nil)
	pod(ns, "running", corev1.PodRunning, now.Add(-time.Hour), nil)
	pod("ingress", "not-a-lease", corev1.PodFailed, now.Add(-time.Hour), nil)

	got := Find(s, Options{Now: now, MinAge: 10 * time.Minute})
	by := map[string]FailedPod{}
	for _, f := range got {
		by[f.Name] = f
	}
	if len(got) != 3 {
		t.Fatalf("want oom, evicted and young; got %d: %+v", len(got), got)
	}
	if f := by["oom"]; len(f.Status.Actions) != 1 || f.Spec.Reason != "OOMKilled" || f.Spec.LeaseID != id || f.Status.Actions[0].Target.UID == "" || f.Status.Actions[0].Target.ResourceVersion != "5" {
		t.Fatalf("oom: %+v", f)
	}
	if f := by["evicted"]; f.Spec.Reason != "Evicted" || f.Spec.Message == "" || len(f.Status.Actions) != 1 {
		t.Fatalf("evicted: %+v", f)
	}
	if f := by["young"]; len(f.Status.Actions) != 0 || f.Status.Note == "" {
		t.Fatalf("a pod younger than --min-age is kept, with the reason: %+v", f)
	}
	if p := Plan(got); len(p.Groups) != 3 || p.Subjects() != 2 {
		t.Fatalf("one group per pod, two with something to do: %d groups, %d subjects", len(p.Groups), p.Subjects())
	}
}
