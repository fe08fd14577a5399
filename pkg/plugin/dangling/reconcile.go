package dangling

import (
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// ChainView is what the chain said.
type ChainView struct {
	// Open are the provider's open leases.
	Open []chain.LeaseState
	// Lookups are the states of in-cluster leases that are not open, read one
	// by one; a lease missing here, or with an error, is unknown.
	Lookups map[akash.LeaseID]chain.LeaseState
	Errors  map[akash.LeaseID]error
	// Ages are the chain-clock ages of open leases with nothing in the
	// cluster; AgeErrors say why an age is unknown.
	Ages      map[akash.LeaseID]time.Duration
	AgeErrors map[akash.LeaseID]error
}

// InCluster returns the lease IDs the cluster holds (a lease namespace or a
// Manifest) for provider, keyed by namespace — the leases whose chain state
// matters.
func InCluster(s *snapshot.Snapshot, provider string) map[akash.LeaseID]string {
	out := map[akash.LeaseID]string{}
	for ns, id := range s.LeaseByNamespace() {
		if provider == "" || akash.SameAddress(id.Provider, provider) {
			out[id] = ns
		}
	}
	return out
}

// Options tune Reconcile.
type Options struct {
	Provider string
	// LeaseNamespace holds the Manifests, ProviderHosts, ProviderLeasedIPs.
	LeaseNamespace string
	// CloseBid plans closing an open lease's bid on chain (nil: report only).
	CloseBid func(id akash.LeaseID) *execute.Action
	// MinAge is how old an open lease with nothing in the cluster must be
	// before its bid is closed: a lease just won has nothing in the cluster
	// until its tenant sends the manifest.
	MinAge time.Duration
	// Now is the wall clock reclamation deadlines (unix times) are read
	// against; zero: time.Now().
	Now time.Time
	// ReclaimHint names the command that starts reclaiming a lease (with
	// the CLI in use and the other one); nil: chain.StartReclaimHint of
	// provider-services.
	ReclaimHint func(id akash.LeaseID) string
}

// Reconcile compares the chain's view with the snapshot and plans the
// clean-up of each disagreement: for a lease closed on chain, deleting what
// the provider's own teardown deletes (namespace, Manifest, ProviderHosts and
// ProviderLeasedIPs selected by the lease labels), each guarded by its UID;
// for an open lease with nothing in the cluster, closing the bid. Leases
// the chain does not know, or whose state could not be read, are reported
// and never acted on.
func Reconcile(s *snapshot.Snapshot, view ChainView, o Options) []DanglingLease {
	open := map[akash.LeaseID]chain.LeaseState{}
	for _, l := range view.Open {
		open[l.ID] = l
	}
	inCluster := InCluster(s, o.Provider)
	held := heldByNamespace(s)
	crs := crsByLease(s)
	namespaces := map[string]*corev1.Namespace{}
	for i := range s.Namespaces {
		namespaces[s.Namespaces[i].Name] = &s.Namespaces[i]
	}
	manifests := s.ManifestByNamespace()
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	hint := o.ReclaimHint
	if hint == nil {
		hint = func(id akash.LeaseID) string { return chain.StartReclaimHint(chain.CLI{}, id) }
	}

	var out []DanglingLease
	for id, ns := range inCluster {
		if _, ok := open[id]; ok {
			continue
		}
		d := DanglingLease{
			TypeMeta:   output.TypeMeta(Kind),
			ObjectMeta: metav1.ObjectMeta{Name: ns},
			Spec:       Spec{LeaseID: id, Direction: InClusterNotOnChain, Held: held[ns]},
			Status:     Status{Actions: []*execute.Action{}},
		}
		if n := namespaces[ns]; n != nil {
			d.CreationTimestamp = n.CreationTimestamp
			d.Spec.Held.Namespace = true
		}
		if m := manifests[ns]; m != nil {
			d.Spec.Held.Manifest = true
			if d.CreationTimestamp.IsZero() {
				d.CreationTimestamp = m.Created
			}
		}
		d.Spec.Held.ProviderHosts = len(crs[id].hosts)
		d.Spec.Held.ProviderLeasedIPs = len(crs[id].ips)

		st, looked := view.Lookups[id]
		switch {
		case ns != id.Namespace():
			d.Spec.ChainState = "unknown"
			if looked {
				d.Spec.ChainState = st.State
			}
			d.Status.Note = fmt.Sprintf("%s is named like no lease namespace of lease %s (that would be %s): its labels or Manifest were copied or forged, so nothing is done to it", ns, id, id.Namespace())
		case view.Errors[id] != nil:
			d.Spec.ChainState, d.Spec.ChainError = "unknown", view.Errors[id].Error()
			d.Status.Note = "the chain state could not be read: nothing is done to a lease of unknown state"
		case !looked:
			d.Spec.ChainState = "unknown"
			d.Status.Note = "the chain state was not read: nothing is done to a lease of unknown state"
		case st.State == chain.StateClosed:
			d.Spec.ChainState, d.Spec.CreatedAt, d.Spec.ClosedOn = st.State, st.CreatedAt, st.ClosedOn
			d.Status.Actions = teardown(id, namespaces[ns], manifests[ns], crs[id])
		case st.State == chain.StateNotFound:
			d.Spec.ChainState = st.State
			d.Status.Note = "the chain does not know this lease: check --api and --provider; not deleted"
		default:
			// Open after all (it changed state between the list and the lookup).
			continue
		}
		out = append(out, d)
	}
	for id, st := range open {
		if _, ok := inCluster[id]; ok {
			continue
		}
		d := DanglingLease{
			TypeMeta:   output.TypeMeta(Kind),
			ObjectMeta: metav1.ObjectMeta{Name: id.Namespace()},
			Spec:       Spec{LeaseID: id, Direction: OnChainNotInCluster, ChainState: st.State, CreatedAt: st.CreatedAt, Reclamation: st.Reclamation},
			Status:     Status{Actions: []*execute.Action{}},
		}
		age, aged := view.Ages[id]
		if aged {
			d.Spec.Age = age.Round(time.Second).String()
		}
		rec := st.Reclamation
		switch {
		case rec.Started() && (rec.Deadline == nil || rec.Deadline.After(now)):
			d.Status.Note = "the lease is " + rec.Describe(now) + ": the provider keeps serving it and the chain refuses a close before the deadline, so its bid is not closed"
		case st.State == chain.StateReclaiming && rec == nil:
			d.Status.Note = "the lease is reclaiming and the chain did not say until when: the chain refuses a close before the deadline, so its bid is not closed"
		case rec != nil && !rec.Started():
			d.Status.Note = "the lease " + rec.Describe(now) + ": the chain refuses an early close, so its bid is not closed; start reclaiming with " + hint(id) + ", and close it once the deadline has passed"
		case o.CloseBid == nil:
			d.Status.Note = "closing the bid needs the transaction layer"
		case view.AgeErrors[id] != nil:
			d.Status.Note = "the lease's age on chain could not be read (" + view.AgeErrors[id].Error() + "), so its bid is not closed: a lease just won has nothing in the cluster until its tenant sends the manifest"
		case !aged:
			d.Status.Note = "the lease's age on chain is unknown, so its bid is not closed: a lease just won has nothing in the cluster until its tenant sends the manifest"
		case age < o.MinAge:
			d.Status.Note = fmt.Sprintf("created %s ago on chain, younger than --min-age %s: its tenant may not have sent the manifest yet, so its bid is not closed", d.Spec.Age, o.MinAge)
		default:
			d.Status.Actions = append(d.Status.Actions, o.CloseBid(id))
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Spec.Direction != out[j].Spec.Direction {
			return out[i].Spec.Direction < out[j].Spec.Direction
		}
		return out[i].Spec.LeaseID.Compare(out[j].Spec.LeaseID) < 0
	})
	return out
}

// leaseCRs are a lease's ProviderHosts and ProviderLeasedIPs.
type leaseCRs struct {
	hosts, ips []*unstructured.Unstructured
}

// crsByLease groups ProviderHosts and ProviderLeasedIPs by their lease
// labels — the selector the provider's own teardown uses.
func crsByLease(s *snapshot.Snapshot) map[akash.LeaseID]leaseCRs {
	m := map[akash.LeaseID]leaseCRs{}
	for i := range s.ProviderHosts {
		if id, ok := akash.LeaseIDFromLabels(s.ProviderHosts[i].GetLabels()); ok {
			c := m[id]
			c.hosts = append(c.hosts, &s.ProviderHosts[i])
			m[id] = c
		}
	}
	for i := range s.ProviderLeasedIPs {
		if id, ok := akash.LeaseIDFromLabels(s.ProviderLeasedIPs[i].GetLabels()); ok {
			c := m[id]
			c.ips = append(c.ips, &s.ProviderLeasedIPs[i])
			m[id] = c
		}
	}
	return m
}

// heldByNamespace sums what each lease namespace's pods request.
func heldByNamespace(s *snapshot.Snapshot) map[string]Held {
	m := map[string]Held{}
	for i := range s.Pods {
		p := &s.Pods[i]
		if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			continue
		}
		h := m[p.Namespace]
		h.Pods++
		for _, c := range p.Spec.Containers {
			h.CPUMillis += c.Resources.Requests.Cpu().MilliValue()
			h.MemoryBytes += c.Resources.Requests.Memory().Value()
			if g, ok := c.Resources.Requests["nvidia.com/gpu"]; ok {
				h.GPUs += g.Value()
			}
		}
		m[p.Namespace] = h
	}
	for _, man := range s.Manifests {
		h := m[man.Name]
		var names []string
		for _, svc := range man.Spec.Group.Services {
			names = append(names, svc.Name+"="+svc.Image)
		}
		h.Services = strings.Join(names, ",")
		m[man.Name] = h
	}
	return m
}

// teardown plans deleting what the provider deletes when a lease ends, in
// the order the provider does, each action tied to the lease (the
// executor's namespace guard needs it). A Manifest whose own lease ID is
// another lease's is not this lease's to delete.
func teardown(id akash.LeaseID, ns *corev1.Namespace, m *akash.Manifest, crs leaseCRs) []*execute.Action {
	var acts []*execute.Action
	if m != nil {
		if mid, ok := m.LeaseID(); !ok || mid != id || m.Name != id.Namespace() {
			m = nil
		}
	}
	if m != nil {
		acts = append(acts, execute.NewDelete(execute.Target{Group: akash.Group, Version: akash.Version, Resource: "manifests", Kind: "Manifest",
			Namespace: m.Namespace, Name: m.Name, UID: m.UID, ResourceVersion: m.ResourceVersion}))
	}
	for _, h := range crs.hosts {
		acts = append(acts, execute.NewDelete(execute.Target{Group: akash.Group, Version: akash.Version, Resource: "providerhosts", Kind: "ProviderHost",
			Namespace: h.GetNamespace(), Name: h.GetName(), UID: string(h.GetUID()), ResourceVersion: h.GetResourceVersion()}))
	}
	for _, ip := range crs.ips {
		acts = append(acts, execute.NewDelete(execute.Target{Group: akash.Group, Version: akash.Version, Resource: "providerleasedips", Kind: "ProviderLeasedIP",
			Namespace: ip.GetNamespace(), Name: ip.GetName(), UID: string(ip.GetUID()), ResourceVersion: ip.GetResourceVersion()}))
	}
	if ns != nil {
		a := execute.NewDelete(execute.Target{Version: "v1", Resource: "namespaces", Kind: "Namespace", Name: ns.Name, UID: string(ns.UID), ResourceVersion: ns.ResourceVersion})
		a.PropagationPolicy = string(metav1.DeletePropagationBackground)
		acts = append(acts, a)
	}
	for _, a := range acts {
		lease := id
		a.Lease = &lease
	}
	return acts
}
