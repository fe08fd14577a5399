package dangling

import (
	"errors"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

var provider = akash.EncodeAddress([]byte("provider-provider-01"))

func lease(owner string, dseq uint64) akash.LeaseID {
	return akash.LeaseID{Owner: akash.EncodeAddress([]byte(owner + "-owner-owner-owner")[:20]), DSeq: dseq, GSeq: 1, OSeq: 1, Provider: provider}
}

// cluster builds a snapshot holding the given leases the way the provider
// creates them: namespace, Manifest, a ProviderHost, a running pod.
func cluster(ids ...akash.LeaseID) *snapshot.Snapshot {
	s := &snapshot.Snapshot{}
	for _, id := range ids {
		ns := id.Namespace()
		lbl := map[string]string(akash.LeaseLabels(id))
		s.Namespaces = append(s.Namespaces, corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, UID: "ns-" + "x", Labels: lbl}})
		s.Manifests = append(s.Manifests, &akash.Manifest{Name: ns, Namespace: "lease", UID: "m", Spec: akash.ManifestSpec{
			LeaseID: akash.ManifestLeaseID{Owner: id.Owner, DSeq: akash.Uint(id.DSeq), GSeq: 1, OSeq: 1, Provider: id.Provider},
			Group:   akash.ManifestGroup{Services: []akash.ManifestService{{Name: "web", Image: "nginx"}}}}})
		h := unstructured.Unstructured{}
		h.SetName("host-" + ns[:8])
		h.SetNamespace("lease")
		h.SetLabels(lbl)
		s.ProviderHosts = append(s.ProviderHosts, h)
		s.Pods = append(s.Pods, corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web-0"},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("1Gi")}}}}},
			Status: corev1.PodStatus{Phase: corev1.PodRunning}})
	}
	return s
}

func closeBid(id akash.LeaseID) *execute.Action {
	return &execute.Action{Verb: "close-bid", Target: execute.Target{Name: id.String()}, Outcome: execute.Outcome{Result: execute.Planned}}
}

func TestReconcileBothWays(t *testing.T) {
	running, closed, gone, unknown, notFound, orphan := lease("running", 1), lease("closed", 2), lease("gone", 3), lease("unknown", 4), lease("notfound", 5), lease("orphan", 6)
	s := cluster(running, closed, unknown, notFound)
	view := ChainView{
		Open:    []chain.LeaseState{{ID: running, State: "active"}, {ID: orphan, State: "insufficient_funds", CreatedAt: 77}},
		Lookups: map[akash.LeaseID]chain.LeaseState{closed: {ID: closed, State: "closed", ClosedOn: 99}, notFound: {ID: notFound, State: chain.StateNotFound}},
		Errors:  map[akash.LeaseID]error{unknown: errors.New("timeout")},
		Ages:    map[akash.LeaseID]time.Duration{orphan: time.Hour},
	}
	_ = gone
	got := Reconcile(s, view, Options{Provider: provider, LeaseNamespace: "lease", CloseBid: closeBid, MinAge: 15 * time.Minute})
	by := map[akash.LeaseID]DanglingLease{}
	for _, d := range got {
		by[d.Spec.LeaseID] = d
	}
	if len(got) != 4 {
		t.Fatalf("want closed, unknown, not-found and orphan, got %d: %+v", len(got), got)
	}
	c := by[closed]
	if c.Spec.Direction != InClusterNotOnChain || c.Spec.ChainState != "closed" || c.Spec.ClosedOn != 99 || c.Spec.Held.Pods != 1 || c.Spec.Held.CPUMillis != 500 || c.Spec.Held.ProviderHosts != 1 {
		t.Fatalf("closed lease: %+v", c.Spec)
	}
	var kinds []string
	for _, a := range c.Status.Actions {
		kinds = append(kinds, a.Target.Kind)
	}
	if len(kinds) != 3 || kinds[0] != "Manifest" || kinds[1] != "ProviderHost" || kinds[2] != "Namespace" {
		t.Fatalf("teardown of a closed lease: %v", kinds)
	}
	if u := by[unknown]; u.Spec.ChainState != "unknown" || len(u.Status.Actions) != 0 || u.Spec.ChainError != "timeout" {
		t.Fatalf("an unreadable lease must not be touched: %+v", u)
	}
	if n := by[notFound]; n.Spec.ChainState != chain.StateNotFound || len(n.Status.Actions) != 0 {
		t.Fatalf("a lease the chain does not know must not be deleted: %+v", n)
	}
	if o := by[orphan]; o.Spec.Direction != OnChainNotInCluster || len(o.Status.Actions) != 1 || o.Status.Actions[0].Verb != "close-bid" || o.Spec.CreatedAt != 77 {
		t.Fatalf("open lease without workload: %+v", o)
	}
	if _, ok := by[running]; ok {
		t.Fatal("a running, active lease is not dangling")
	}
}

// TestReconcileYoungOrUnagedOrphansKeepTheirBid: a lease just won has
// nothing in the cluster until its tenant sends the manifest; its bid is
// closed only when the chain says it is older than MinAge.
func TestReconcileYoungOrUnagedOrphansKeepTheirBid(t *testing.T) {
	young, unaged, failed := lease("young", 1), lease("unaged", 2), lease("failed", 3)
	view := ChainView{
		Open:      []chain.LeaseState{{ID: young, State: "active"}, {ID: unaged, State: "active"}, {ID: failed, State: "active"}},
		Ages:      map[akash.LeaseID]time.Duration{young: 30 * time.Second},
		AgeErrors: map[akash.LeaseID]error{failed: errors.New("pruned")},
	}
	for _, d := range Reconcile(&snapshot.Snapshot{}, view, Options{Provider: provider, CloseBid: closeBid, MinAge: 15 * time.Minute}) {
		if len(d.Status.Actions) != 0 || d.Status.Note == "" {
			t.Errorf("%s: no close may be planned, and the note must say why: %+v", d.Spec.LeaseID, d.Status)
		}
	}
}

// TestReconcileForgedNamespaceIsNotTouched: a namespace (kube-system, the
// provider's) carrying copied lease labels, or a Manifest named like one,
// is not a lease namespace: nothing is planned for it.
func TestReconcileForgedNamespaceIsNotTouched(t *testing.T) {
	closed := lease("closed", 7)
	s := cluster(closed)
	s.Namespaces[0].Name = "kube-system"
	s.Manifests[0].Name = "akash-services"
	view := ChainView{Lookups: map[akash.LeaseID]chain.LeaseState{closed: {ID: closed, State: "closed"}}}
	for _, d := range Reconcile(s, view, Options{Provider: provider, CloseBid: closeBid}) {
		if len(d.Status.Actions) != 0 {
			t.Errorf("%s: nothing may be planned for a namespace that is not the lease's: %+v", d.Name, d.Status.Actions)
		}
	}
}

func TestReconcileOtherProvidersIgnored(t *testing.T) {
	mine := lease("mine", 1)
	theirs := mine
	theirs.Provider = akash.EncodeAddress([]byte("another-provider-xyz"))
	s := cluster(mine, theirs)
	got := Reconcile(s, ChainView{Open: []chain.LeaseState{{ID: mine, State: "active"}}}, Options{Provider: provider})
	if len(got) != 0 {
		t.Fatalf("another provider's leases are not ours to judge: %+v", got)
	}
}

// TestReconcileReclamation checks that a reclaiming lease is never treated
// as closed (in the cluster: kept; its workload is not torn down, even when
// a lookup says reclaiming), that an orphan still inside its reclamation
// deadline or with a window not started gets no bid close, and that the
// note names the command that starts reclaiming; an orphan whose deadline
// has passed is closed as any other.
func TestReconcileReclamation(t *testing.T) {
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	future, past := now.Add(20*time.Hour), now.Add(-time.Hour)
	kept, looked, reclaiming, windowed, expired := lease("kept", 11), lease("looked", 12), lease("reclaiming", 13), lease("windowed", 14), lease("expired", 15)
	s := cluster(kept, looked)
	view := ChainView{
		Open: []chain.LeaseState{
			{ID: kept, State: chain.StateReclaiming, Reclamation: &chain.Reclamation{Window: "24h0m0s", StartedAt: 900, Deadline: &future}},
			{ID: reclaiming, State: chain.StateReclaiming, Reclamation: &chain.Reclamation{Window: "24h0m0s", StartedAt: 900, Deadline: &future}},
			{ID: windowed, State: chain.StateActive, Reclamation: &chain.Reclamation{Window: "720h0m0s"}},
			{ID: expired, State: chain.StateReclaiming, Reclamation: &chain.Reclamation{Window: "1h0m0s", StartedAt: 800, Deadline: &past}},
		},
		// Listed as not open, then found reclaiming on lookup: still open.
		Lookups: map[akash.LeaseID]chain.LeaseState{looked: {ID: looked, State: chain.StateReclaiming}},
		Ages:    map[akash.LeaseID]time.Duration{reclaiming: time.Hour, windowed: time.Hour, expired: time.Hour},
	}
	items := Reconcile(s, view, Options{Provider: provider, LeaseNamespace: "lease", CloseBid: closeBid, MinAge: time.Minute, Now: now,
		ReclaimHint: func(id akash.LeaseID) string {
			return chain.StartReclaimHint(chain.CLI{Dialect: chain.DialectAkt, From: "closer"}, id)
		}})
	got := map[uint64]DanglingLease{}
	for _, it := range items {
		got[it.Spec.LeaseID.DSeq] = it
	}
	if _, ok := got[11]; ok {
		t.Fatal("a reclaiming lease in the cluster is not dangling")
	}
	if _, ok := got[12]; ok {
		t.Fatal("a lease found reclaiming on lookup was treated as closed")
	}
	r := got[13]
	if len(r.Status.Actions) != 0 || r.Spec.Reclamation == nil || !strings.Contains(r.Status.Note, "reclaiming until 2026-07-02T08:00:00Z (in 20h0m0s)") {
		t.Fatalf("reclaiming orphan: %+v %+v", r.Spec, r.Status)
	}
	w := got[14]
	if len(w.Status.Actions) != 0 || !strings.Contains(w.Status.Note, "akt tx market bid start-reclaim --owner "+windowed.Owner+" --dseq 14 --gseq 1 --oseq 1 --from closer") ||
		!strings.Contains(w.Status.Note, "provider-services tx market bid start-reclaim --owner "+windowed.Owner+" --dseq 14 --gseq 1 --oseq 1") {
		t.Fatalf("windowed orphan: %+v", w.Status)
	}
	if e := got[15]; len(e.Status.Actions) != 1 {
		t.Fatalf("an orphan past its reclamation deadline is closed: %+v", e.Status)
	}
	if table := Table(items); table == nil {
		t.Fatal("no table")
	}
}
