package snapshot

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot/snapshottest"
)

// TestLoadEach: the same reads as Load, but a failed read is returned
// under its What and the others are kept; Load fails as a whole.
func TestLoadEach(t *testing.T) {
	c := snapshottest.New(&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"}}).
		Fail("deployments", apierrors.NewForbidden(schema.GroupResource{Group: "apps", Resource: "deployments"}, "", nil))
	spec := Spec{Nodes: true, Deployments: true}
	s, errs := LoadEach(t.Context(), c.Clients(t), spec)
	if len(s.Nodes) != 1 || len(errs) != 1 || errs["lease Deployments in all namespaces"] == nil {
		t.Fatalf("nodes %d, errors %v", len(s.Nodes), errs)
	}
	if _, err := Load(t.Context(), c.Clients(t), spec); err == nil || !strings.Contains(err.Error(), "forbidden") {
		t.Errorf("Load: %v", err)
	}
}
