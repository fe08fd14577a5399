package leases

import (
	"cmp"
	"regexp"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// Filter narrows the leases returned by Build. Zero values match everything.
type Filter struct {
	// Namespace keeps only the lease running in this namespace.
	Namespace string
	// Owner keeps only this tenant's leases.
	Owner string
	// Images keeps leases with at least one service image matching any of them.
	Images []*regexp.Regexp
}

// Build joins Manifests, lease namespaces and pods into one Lease per lease,
// keyed by namespace name (the Manifest's name is its lease's namespace), and
// sorted by owner, dseq, gseq, oseq.
func Build(s *snapshot.Snapshot, f Filter) []Lease {
	byNS := map[string]*Lease{}
	get := func(ns string) *Lease {
		l := byNS[ns]
		if l == nil {
			l = &Lease{TypeMeta: output.TypeMeta(Kind), ObjectMeta: metav1.ObjectMeta{Name: ns}}
			l.Spec.Namespace = ns
			l.Spec.Services = []Service{}
			byNS[ns] = l
		}
		return l
	}
	for _, m := range s.Manifests {
		l := get(m.Name)
		l.Status.Manifest = true
		l.CreationTimestamp = m.Created // the namespace's time wins below when it exists
		l.Labels = copyLabels(m.Labels) // and so do its labels
		if id, ok := m.LeaseID(); ok {
			l.Spec.LeaseID = id
		}
		l.Spec.Group = m.Spec.Group.Name
		for _, svc := range m.Spec.Group.Services {
			l.Spec.Services = append(l.Spec.Services, Service{
				Name: svc.Name, Image: svc.Image, Count: uint64(svc.Count), Command: svc.Command,
				CPUMilli: uint64(svc.Resources.CPU.Units), Memory: uint64(svc.Resources.Memory.Size), GPU: uint64(svc.Resources.GPU.Units),
			})
		}
	}
	for i := range s.Namespaces {
		ns := &s.Namespaces[i]
		id, ok := akash.LeaseIDFromLabels(ns.Labels)
		if !ok {
			continue // akash.network=true but not a lease namespace (e.g. akash-services)
		}
		l := get(ns.Name)
		l.Status.Namespace = true
		l.CreationTimestamp = ns.CreationTimestamp
		l.Labels = copyLabels(ns.Labels)
		if l.Spec.LeaseID == (akash.LeaseID{}) {
			l.Spec.LeaseID = id
		}
	}
	for i := range s.Pods {
		p := &s.Pods[i]
		l := byNS[p.Namespace]
		if l == nil {
			continue
		}
		if l.Status.Pods == nil {
			l.Status.Pods = map[string]int{}
		}
		l.Status.Pods[podPhase(p)]++
	}

	out := make([]Lease, 0, len(byNS))
	for _, l := range byNS {
		if f.matches(l) {
			out = append(out, *l)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return cmp.Or(out[i].Spec.LeaseID.Compare(out[j].Spec.LeaseID), strings.Compare(out[i].Name, out[j].Name)) < 0
	})
	return out
}

// List wraps leases in a LeaseList.
func List(items []Lease) LeaseList {
	return LeaseList{TypeMeta: output.ListMeta(Kind), Items: items}
}

func (f Filter) matches(l *Lease) bool {
	if f.Namespace != "" && l.Name != f.Namespace {
		return false
	}
	if f.Owner != "" && !akash.SameAddress(l.Spec.LeaseID.Owner, f.Owner) {
		return false
	}
	if len(f.Images) == 0 {
		return true
	}
	for _, svc := range l.Spec.Services {
		for _, re := range f.Images {
			if re.MatchString(svc.Image) {
				return true
			}
		}
	}
	return false
}

// podPhase is the phase, with a pod being deleted shown as Terminating as
// kubectl does.
func podPhase(p *corev1.Pod) string {
	if p.DeletionTimestamp != nil {
		return "Terminating"
	}
	if p.Status.Phase == "" {
		return string(corev1.PodPending)
	}
	return string(p.Status.Phase)
}

// copyLabels is the lease's labels: those the provider put on its namespace
// (or, without one, its Manifest), which -l selects on and --show-labels
// shows. A copy, so the snapshot is never changed through a result.
func copyLabels(in map[string]string) map[string]string {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out
}
