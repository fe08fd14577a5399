package e2e

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/failedpods"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// failedPod creates an unschedulable pod in ns (no node can take it, so no
// kubelet or kwok touches it) and sets its status as the kubelet would
// after a failure: phase, reason and a container that ended at finished.
// With phase Running it is a live pod instead.
func failedPod(t *testing.T, c *cluster.Cluster, ns, name string, phase corev1.PodPhase, reason string, finished time.Time) {
	t.Helper()
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{akash.LabelManaged: "true", akash.LabelManifestService: "web"}},
		Spec: corev1.PodSpec{
			NodeSelector: map[string]string{"kubectl-akash.test/no-such-node": "true"},
			Containers:   []corev1.Container{{Name: "web", Image: cluster.BusyboxImage, ImagePullPolicy: corev1.PullNever}},
		},
	}
	if _, err := c.Kube().CoreV1().Pods(ns).Create(t.Context(), p, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The scheduler writes its condition meanwhile: retry on a conflict.
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		p, err := c.Kube().CoreV1().Pods(ns).Get(t.Context(), name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		p.Status.Phase, p.Status.Reason = phase, reason
		p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "web", Image: cluster.BusyboxImage,
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "OOMKilled", FinishedAt: metav1.NewTime(finished)}}}}
		if phase == corev1.PodRunning {
			p.Status.ContainerStatuses[0].State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(finished)}}
		}
		_, err = c.Kube().CoreV1().Pods(ns).UpdateStatus(t.Context(), p, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func podExists(t *testing.T, c *cluster.Cluster, ns, name string) bool {
	t.Helper()
	_, err := c.Kube().CoreV1().Pods(ns).Get(t.Context(), name, metav1.GetOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	return err == nil
}

// TestPodsCleanFailed: only Failed pods of lease namespaces that failed
// more than --min-age ago are deleted; a running pod, a pod that just
// failed and a Failed pod in a namespace that merely carries lease labels
// are left alone, and a dry run deletes nothing.
func TestPodsCleanFailed(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	l := fixture.NewLease(t.Name()+"/tenant", 9001, fixture.Web("nginx:1.25"))
	seedLeases(t, c, leaseNS, []fixture.Lease{l}, []fixture.Options{{NoWorkloads: true}})
	ns := l.Namespace()
	hour := time.Now().Add(-time.Hour)
	failedPod(t, c, ns, "oom", corev1.PodFailed, "", hour)
	failedPod(t, c, ns, "evicted", corev1.PodFailed, "Evicted", hour)
	failedPod(t, c, ns, "just-failed", corev1.PodFailed, "", time.Now())
	failedPod(t, c, ns, "running", corev1.PodRunning, "", hour)
	// A namespace with copied lease labels is not the lease's.
	other := c.Namespace(t, "copied")
	got, err := c.Kube().CoreV1().Namespaces().Get(t.Context(), other, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got.Labels = map[string]string(akash.LeaseLabels(l.ID))
	if _, err := c.Kube().CoreV1().Namespaces().Update(t.Context(), got, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	failedPod(t, c, other, "not-a-lease", corev1.PodFailed, "", hour)

	args := func(extra ...string) []string {
		return append([]string{"pods", "clean-failed", "-n", ns, "-o", "json"}, extra...)
	}
	r := kubectlAkash(t, c, runOpts{}, args("--dry-run=client")...).ok(t)
	plan := map[string]failedpods.FailedPod{}
	for _, f := range listItems[failedpods.FailedPod](t, "FailedPodList", r.stdout, "") {
		plan[f.Name] = f
	}
	if len(plan) != 3 || plan["evicted"].Spec.Reason != "Evicted" || plan["oom"].Spec.Reason != "OOMKilled" || plan["oom"].Spec.LeaseID != l.ID {
		t.Fatalf("want oom, evicted and just-failed with their reasons and lease: %+v", plan)
	}
	if !podExists(t, c, ns, "oom") {
		t.Fatal("a client dry run deleted a pod")
	}

	r = kubectlAkash(t, c, runOpts{}, args("--yes")...).ok(t)
	done := map[string]failedpods.FailedPod{}
	for _, f := range listItems[failedpods.FailedPod](t, "FailedPodList", r.stdout, "") {
		done[f.Name] = f
	}
	for _, name := range []string{"oom", "evicted"} {
		if a := done[name].Status.Actions; len(a) != 1 || a[0].Result != execute.Succeeded {
			t.Errorf("%s: %+v", name, done[name].Status)
		}
	}
	if a := done["just-failed"].Status; len(a.Actions) != 0 || a.Note == "" {
		t.Errorf("a pod that failed less than --min-age ago is kept, saying why: %+v", a)
	}
	if !podExists(t, c, ns, "just-failed") || !podExists(t, c, ns, "running") || !podExists(t, c, other, "not-a-lease") {
		t.Fatal("a young Failed pod, a running pod or a pod outside the lease's namespace was deleted")
	}

	// Without -n: the pod in the namespace with copied labels is still not
	// touched (it is not named after the lease).
	r = kubectlAkash(t, c, runOpts{}, "pods", "clean-failed", "--yes", "-o", "json").ok(t)
	for _, f := range listItems[failedpods.FailedPod](t, "FailedPodList", r.stdout, "") {
		if f.Namespace == other {
			t.Fatalf("a pod outside any lease namespace was planned: %+v", f)
		}
	}
	if !podExists(t, c, other, "not-a-lease") {
		t.Fatal("the pod in the namespace with copied lease labels was deleted")
	}
}
