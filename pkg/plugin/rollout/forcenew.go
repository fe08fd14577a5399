package rollout

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/klog/v2"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// StuckSnapshotSpec is the read of `replicasets force-new`: lease namespaces,
// Deployments, ReplicaSets and the Pending pods (a stuck rollout's new pod
// is Pending; running pods are not read), of -n (namespace) and -l
// (selector) when given. Of the workloads, only those in a namespace with a
// Pending pod are decoded and kept: no other can be stuck (FindStuck), and
// they are nearly all of a provider's.
func StuckSnapshotSpec(namespace string, chunkSize int64, selector string) snapshot.Spec {
	return snapshot.Spec{
		Namespace: namespace, ChunkSize: chunkSize, Selector: selector,
		LeaseNamespaces: true, Deployments: true, ReplicaSets: true,
		Pods: true, PodPhase: corev1.PodPending, WorkloadsNearPods: true,
	}
}

// EventsSpec is the read of the scheduling events of -n (namespace), or of
// every namespace.
func EventsSpec(namespace string, chunkSize int64) snapshot.Spec {
	return snapshot.Spec{Namespace: namespace, ChunkSize: chunkSize, Events: true}
}

// ReadScheduleNote reads the lease Deployments' strategies (one LIST) and
// says whether force-new's CronJob is still needed (ScheduleNote). It is
// advice only: when the Deployments cannot be read, it says nothing.
func ReadScheduleNote(ctx context.Context, clients *cli.Clients, namespace string, chunkSize int64, selector string) string {
	snap, err := snapshot.Load(ctx, clients, snapshot.Spec{Namespace: namespace, ChunkSize: chunkSize, Selector: selector, Deployments: true})
	if err != nil {
		klog.V(2).Infof("force-new --schedule: not reading the Deployments' strategies: %v", err)
		return ""
	}
	return CountStrategies(snap.Deployments).ScheduleNote()
}

// AddEvents reads the scheduling events into snap when a Pending pod's
// reason is only in them (NeedsEvents): one LIST more, and usually none.
func AddEvents(ctx context.Context, clients *cli.Clients, snap *snapshot.Snapshot, namespace string, chunkSize int64) error {
	if !NeedsEvents(snap) {
		return nil
	}
	ev, err := snapshot.Load(ctx, clients, EventsSpec(namespace, chunkSize))
	if err != nil {
		return err
	}
	snap.Events = ev.Events
	return nil
}

// StuckFlow is the executor's flow of force-new: one group per stuck
// Deployment, deleting its older ReplicaSets. The caller sets the flow's
// streams and output.
func StuckFlow(items []StuckRollout, ex *execute.Options, dyn dynamic.Interface, protected ...string) *execute.Flow {
	plan := &execute.Plan{}
	for i := range items {
		plan.Add("deployment "+items[i].Namespace+"/"+items[i].Name, items[i].Status.Actions...)
	}
	return ex.DeleteFlow(plan, dyn, protected, StuckList(items),
		func() *output.Table { return StuckTable(items, metav1.Now) },
		func(n int) string {
			return fmt.Sprintf("Delete %d ReplicaSet(s) of %d stuck Deployment(s).", n, len(items))
		})
}
