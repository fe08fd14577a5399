package rollout

import (
	"fmt"
	"regexp"
	"sort"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	deploymentutil "k8s.io/kubectl/pkg/util/deployment"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// StuckKind is the result kind of `replicasets force-new`.
const StuckKind = "StuckRollout"

// StuckRollout is one Deployment whose update cannot land, and the
// ReplicaSets whose deletion frees the resources it waits for.
// metadata.name/namespace are the Deployment's.
type StuckRollout struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              StuckSpec   `json:"spec"`
	Status            StuckStatus `json:"status"`
}

// StuckSpec is what was found.
type StuckSpec struct {
	// LeaseID is the lease the namespace belongs to (nil for a namespace
	// without lease labels).
	LeaseID *akash.LeaseID `json:"leaseID,omitempty"`
	Service string         `json:"service"`
	// Reason is the scheduler's message for the new pod.
	Reason string `json:"reason"`
	// Pod is the unschedulable pod of the new ReplicaSet.
	Pod string `json:"pod"`
	// RolloutStatus is kubectl rollout status's message.
	RolloutStatus string `json:"rolloutStatus"`
	// NewReplicaSet is the ReplicaSet of the current template, kept.
	NewReplicaSet string `json:"newReplicaSet"`
	// Since is when the update started (the new ReplicaSet's creation).
	Since metav1.Time `json:"since"`
	// Strategy is the Deployment's rollout strategy, and StrategyNote what
	// it means for this update.
	Strategy     Strategy `json:"strategy"`
	StrategyNote string   `json:"strategyNote"`
}

// StuckStatus holds the planned deletions and their outcomes, and why
// nothing is planned when that is the case.
type StuckStatus struct {
	Actions []*execute.Action `json:"actions"`
	Note    string            `json:"note,omitempty"`
}

// StuckRolloutList is the list kind.
type StuckRolloutList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []StuckRollout `json:"items"`
}

// insufficient matches the scheduler's "Insufficient cpu", "Insufficient
// nvidia.com/gpu", ... — resource shortage, as opposed to taints, affinity
// or volume problems, which deleting old ReplicaSets would not fix.
var insufficient = regexp.MustCompile(`Insufficient [A-Za-z0-9./_-]+`)

// StuckOptions tune FindStuck.
type StuckOptions struct {
	// Now is the analysis time (passed in: no clock here).
	Now time.Time
	// MinAge skips updates younger than this, which may still schedule.
	MinAge time.Duration
}

// FindStuck returns every Deployment in the snapshot whose rollout is not
// complete by kubectl's rules AND whose new ReplicaSet has a pod the scheduler
// cannot place for insufficient resources. For each it plans the deletion of
// the older ReplicaSets owned by that Deployment that still hold pods.
// ReplicaSets of other Deployments — a sibling service in the same lease —
// are never touched.
func FindStuck(s *snapshot.Snapshot, o StuckOptions) []StuckRollout {
	rsByOwner := s.ReplicaSetsByOwner()
	podsByOwner := s.PodsByOwner()
	eventsByPod := s.EventsByPod()
	leases := s.LeaseByNamespace()
	terminating := s.Terminating()

	var out []StuckRollout
	for i := range s.Deployments {
		d := &s.Deployments[i]
		if terminating[d.Namespace] || d.DeletionTimestamp != nil {
			continue
		}
		owned := rsByOwner[d.UID]
		newRS := newReplicaSet(d, owned)
		if newRS == nil {
			continue
		}
		pod, reason := unschedulablePod(podsByOwner[newRS.UID], eventsByPod)
		if pod == nil {
			continue // cheap test first: most deployments have no such pod
		}
		done, status := rolloutDone(d)
		if done {
			continue
		}
		r := StuckRollout{
			TypeMeta:   output.TypeMeta(StuckKind),
			ObjectMeta: metav1.ObjectMeta{Name: d.Name, Namespace: d.Namespace, UID: d.UID},
			Spec: StuckSpec{
				Service: d.Labels[akash.LabelManifestService], Reason: reason, Pod: pod.Name,
				RolloutStatus: status, NewReplicaSet: newRS.Name, Since: newRS.CreationTimestamp,
				Strategy: StrategyOf(d),
			},
			Status: StuckStatus{Actions: []*execute.Action{}},
		}
		if id, ok := leases[d.Namespace]; ok {
			r.Spec.LeaseID = &id
		}
		r.Spec.StrategyNote = r.Spec.Strategy.Explain()
		old := holdingOld(owned, newRS)
		switch {
		case len(old) == 0:
			r.Status.Note = "no older ReplicaSet of this Deployment holds pods: the cluster is short of resources for this pod itself"
		case o.MinAge > 0 && o.Now.Sub(newRS.CreationTimestamp.Time) < o.MinAge:
			for _, rs := range old {
				a := deleteReplicaSet(rs)
				a.Outcome = execute.Outcome{Result: execute.Skipped, Message: fmt.Sprintf("the update started %s ago, less than --min-age %s", o.Now.Sub(newRS.CreationTimestamp.Time).Round(time.Second), o.MinAge)}
				r.Status.Actions = append(r.Status.Actions, a)
			}
		default:
			for _, rs := range old {
				r.Status.Actions = append(r.Status.Actions, deleteReplicaSet(rs))
			}
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Namespace != out[j].Namespace {
			return out[i].Namespace < out[j].Namespace
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// StuckList wraps results in their list kind.
func StuckList(items []StuckRollout) StuckRolloutList {
	return StuckRolloutList{TypeMeta: output.ListMeta(StuckKind), Items: items}
}

// NeedsEvents reports whether any unscheduled pending pod lacks the
// scheduler's PodScheduled condition, so that its reason can only be found in
// FailedScheduling events. Usually none does, and the costly cluster-wide
// event LIST is skipped.
func NeedsEvents(s *snapshot.Snapshot) bool {
	for i := range s.Pods {
		p := &s.Pods[i]
		if p.Status.Phase != corev1.PodPending || p.Spec.NodeName != "" {
			continue
		}
		has := false
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodScheduled && c.Message != "" {
				has = true
			}
		}
		if !has {
			return true
		}
	}
	return false
}

// unschedulablePod returns the first pod that the scheduler reported as not
// fitting for insufficient resources — from its PodScheduled condition, or
// from a FailedScheduling event — and the scheduler's message.
func unschedulablePod(pods []*corev1.Pod, events map[types.UID][]*corev1.Event) (*corev1.Pod, string) {
	sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
	for _, p := range pods {
		if p.Status.Phase != corev1.PodPending || p.DeletionTimestamp != nil {
			continue
		}
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable && insufficient.MatchString(c.Message) {
				return p, c.Message
			}
		}
		var latest *corev1.Event
		for _, e := range events[p.UID] {
			if insufficient.MatchString(e.Message) && (latest == nil || eventTime(e).After(eventTime(latest))) {
				latest = e
			}
		}
		if latest != nil {
			return p, latest.Message
		}
	}
	return nil, ""
}

func eventTime(e *corev1.Event) time.Time {
	if !e.LastTimestamp.IsZero() {
		return e.LastTimestamp.Time
	}
	return e.EventTime.Time
}

// holdingOld returns the ReplicaSets other than newRS that still have pods
// or want some. Empty old ReplicaSets are rollout history (kubectl rollout
// undo needs them) and hold nothing, so they stay.
func holdingOld(owned []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	var out []*appsv1.ReplicaSet
	for _, rs := range owned {
		if rs.UID == newRS.UID {
			continue
		}
		if rs.Status.Replicas > 0 || (rs.Spec.Replicas != nil && *rs.Spec.Replicas > 0) {
			out = append(out, rs)
		}
	}
	sort.Slice(out, func(i, j int) bool { return revision(out[i]) > revision(out[j]) })
	return out
}

// revision is rs's revision as kubectl reads it; 0 when unreadable.
func revision(rs *appsv1.ReplicaSet) int64 {
	r, _ := deploymentutil.Revision(rs)
	return r
}

// deleteReplicaSet plans deleting rs, guarded by the UID and resourceVersion
// seen, with background propagation so its pods go too.
func deleteReplicaSet(rs *appsv1.ReplicaSet) *execute.Action {
	a := execute.NewDelete(execute.Target{
		Group: "apps", Version: "v1", Resource: "replicasets", Kind: "ReplicaSet",
		Namespace: rs.Namespace, Name: rs.Name, UID: string(rs.UID), ResourceVersion: rs.ResourceVersion,
	})
	a.PropagationPolicy = string(metav1.DeletePropagationBackground)
	return a
}
