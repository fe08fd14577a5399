package failedpods

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// CleanSpec is the read of `pods clean-failed`: the lease namespaces and
// the Failed pods (running pods are never read), of -n (namespace) and -l
// (selector) when given — two LISTs.
func CleanSpec(namespace string, chunkSize int64, selector string) snapshot.Spec {
	return snapshot.Spec{
		Namespace: namespace, ChunkSize: chunkSize, Selector: selector,
		LeaseNamespaces: true, Pods: true, PodPhase: corev1.PodFailed,
	}
}

// Flow is the executor's flow of clean-failed: one group per pod, each a
// delete with its preconditions. The caller sets the flow's streams and
// output.
func Flow(items []FailedPod, ex *execute.Options, dyn dynamic.Interface, protected ...string) *execute.Flow {
	return ex.DeleteFlow(Plan(items), dyn, protected, NewList(items),
		func() *output.Table { return Table(items, metav1.Now) },
		func(n int) string { return fmt.Sprintf("Delete %d Failed pod(s) of lease(s).", n) })
}
