package failedpods

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// Kind of the result objects.
const Kind = "FailedPod"

// FailedPod is one Failed pod of a lease and what is planned for it.
// metadata is the pod's name and namespace.
type FailedPod struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              Spec   `json:"spec"`
	Status            Status `json:"status"`
}

// Spec says whose pod it is and why it failed.
type Spec struct {
	LeaseID akash.LeaseID `json:"leaseID"`
	Service string        `json:"service,omitempty"`
	Node    string        `json:"node,omitempty"`
	// Reason is the pod's reason (Evicted, ...) or its container's
	// (OOMKilled, Error, ...); Message the matching message.
	Reason  string `json:"reason"`
	Message string `json:"message,omitempty"`
	// FailedAt is when its last container ended (or when the pod was
	// created, when no container ever ran).
	FailedAt metav1.Time `json:"failedAt"`
}

// Status holds the planned delete and its outcome.
type Status struct {
	Actions []*execute.Action `json:"actions"`
	// Note says why nothing is planned.
	Note string `json:"note,omitempty"`
}

// List is the list kind.
type List struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []FailedPod `json:"items"`
}

// NewList wraps items in their list kind.
func NewList(items []FailedPod) List {
	if items == nil {
		items = []FailedPod{}
	}
	return List{TypeMeta: output.ListMeta(Kind), Items: items}
}

// Options tune Find.
type Options struct {
	Now time.Time
	// MinAge keeps pods that failed less than this long ago: a tenant or an
	// operator may still want to read their logs.
	MinAge time.Duration
}

// Find returns the Failed pods of lease namespaces in the snapshot (read
// with Pods, PodPhase Failed, LeaseNamespaces), sorted by namespace and
// name, each with its delete planned unless it is younger than MinAge. A
// pod in a namespace that is not a lease's (no lease labels) is not the
// provider's to clean, whatever its labels say, and is left out.
func Find(s *snapshot.Snapshot, o Options) []FailedPod {
	leases := s.LeaseByNamespace()
	var out []FailedPod
	for i := range s.Pods {
		p := &s.Pods[i]
		if p.Status.Phase != corev1.PodFailed || p.DeletionTimestamp != nil {
			continue
		}
		id, ok := leases[p.Namespace]
		if !ok || id.Namespace() != p.Namespace {
			continue
		}
		reason, msg := why(p)
		f := FailedPod{
			TypeMeta:   output.TypeMeta(Kind),
			ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace, UID: p.UID, CreationTimestamp: p.CreationTimestamp},
			Spec: Spec{LeaseID: id, Service: p.Labels[akash.LabelManifestService], Node: p.Spec.NodeName,
				Reason: reason, Message: msg, FailedAt: failedAt(p)},
			Status: Status{Actions: []*execute.Action{}},
		}
		if age := o.Now.Sub(f.Spec.FailedAt.Time); age < o.MinAge {
			f.Status.Note = "failed " + age.Round(time.Second).String() + " ago, less than --min-age " + o.MinAge.String() + ": kept for its logs"
		} else {
			a := execute.NewDelete(execute.Target{Version: "v1", Resource: "pods", Kind: "Pod", Namespace: p.Namespace, Name: p.Name,
				UID: string(p.UID), ResourceVersion: p.ResourceVersion})
			lease := id
			a.Lease = &lease
			f.Status.Actions = append(f.Status.Actions, a)
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Namespace != out[j].Namespace {
			return out[i].Namespace < out[j].Namespace
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Plan is one group per pod: a pod that changed since it was read is a
// Conflict of its own and stops nothing else.
func Plan(items []FailedPod) *execute.Plan {
	p := &execute.Plan{}
	for i := range items {
		p.Add("pod "+items[i].Namespace+"/"+items[i].Name, items[i].Status.Actions...)
	}
	return p
}

// why is the pod's own reason (Evicted, NodeAffinity, ...) or else the
// reason its containers ended with (OOMKilled, Error, ContainerCannotRun).
func why(p *corev1.Pod) (reason, message string) {
	if p.Status.Reason != "" {
		return p.Status.Reason, p.Status.Message
	}
	var reasons, msgs []string
	for _, cs := range statuses(p) {
		t := cs.State.Terminated
		if t == nil {
			t = cs.LastTerminationState.Terminated
		}
		if t == nil || (t.ExitCode == 0 && t.Reason == "Completed") {
			continue
		}
		r := t.Reason
		if r == "" {
			r = "Error"
		}
		reasons = append(reasons, r)
		m := cs.Name + ": exit code " + strconv.Itoa(int(t.ExitCode))
		if t.Message != "" {
			m += ": " + t.Message
		}
		msgs = append(msgs, m)
	}
	if len(reasons) == 0 {
		return "Failed", p.Status.Message
	}
	sort.Strings(reasons)
	return strings.Join(slices.Compact(reasons), ","), strings.Join(msgs, "; ")
}

// failedAt is when the pod's last container ended, else (no container
// ever ran) when the pod was created.
func failedAt(p *corev1.Pod) metav1.Time {
	var at metav1.Time
	for _, cs := range statuses(p) {
		if t := cs.State.Terminated; t != nil && t.FinishedAt.After(at.Time) {
			at = t.FinishedAt
		}
	}
	if at.IsZero() {
		return p.CreationTimestamp
	}
	return at
}

// statuses are the pod's init and regular containers' statuses.
func statuses(p *corev1.Pod) []corev1.ContainerStatus {
	return append(append([]corev1.ContainerStatus{}, p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...)
}
