package doctor

import (
	"errors"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot/snapshottest"
)

// TestPodsOnNodes: the node checks name pods from every pod; when every pod
// could not be read, from the lease pods, and the warning says so — unless
// the lease pods were to come from every pod too (one LIST for both), when
// the warning must not claim lease pods are named.
func TestPodsOnNodes(t *testing.T) {
	leasePod := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "lease-ns", Labels: map[string]string{"akash.network": "true"}}}
	otherPod := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "coredns-1", Namespace: "kube-system"}}

	pods, known, warning := podsOnNodes(&Input{Snapshot: &snapshot.Snapshot{AllPods: []corev1.Pod{leasePod, otherPod}, Pods: []corev1.Pod{leasePod}}})
	if len(pods) != 2 || !known || warning != "" {
		t.Errorf("every pod read: %d pods, known %v, warning %q", len(pods), known, warning)
	}

	denied := errors.New("pods is forbidden")
	pods, known, warning = podsOnNodes(&Input{Snapshot: &snapshot.Snapshot{Pods: []corev1.Pod{leasePod}}, LoadErrors: map[Resource]error{ResAllPods: denied}})
	if len(pods) != 1 || pods[0].Name != "web-1" || known || !strings.HasPrefix(warning, "only lease pods are named on nodes: ") {
		t.Errorf("lease pods read apart: %d pods, known %v, warning %q", len(pods), known, warning)
	}

	// Both from one LIST, which fails: the read itself, through Load.
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "lease-ns", Labels: map[string]string{"akash.network": "true"}}}
	c := snapshottest.New(ns, &leasePod, &otherPod).Fail("pods", apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "", nil))
	snap, errs := Load(t.Context(), c.Clients(t), map[Resource]bool{ResLeaseNamespaces: true, ResAllPods: true, ResPods: true}, LoadOptions{LeaseNamespace: "lease", ProviderNamespace: "akash-services"})
	if errs[ResAllPods] == nil || errs[ResPods] == nil {
		t.Fatalf("load errors %v: want every pod and the lease pods failed", errs)
	}
	pods, known, warning = podsOnNodes(&Input{Snapshot: snap, LoadErrors: errs})
	if len(pods) != 0 || known || !strings.HasPrefix(warning, "no pod is named on nodes: ") || !strings.Contains(warning, "forbidden") {
		t.Errorf("one LIST for both, failed: %d pods, known %v, warning %q", len(pods), known, warning)
	}
}
