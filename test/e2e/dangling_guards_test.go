package e2e

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/test/chainapi"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// These tests are the hostile days `dangling --close` must survive: each
// one destroyed or closed something before the executor's guards.

// danglingEnv is one test's lease namespace, provider, stand-in CLI and a
// runner of `dangling` against a stand-in chain API.
type danglingEnv struct {
	t                 *testing.T
	c                 *cluster.Cluster
	leaseNS, provider string
	cli, calls        string
}

func newDanglingEnv(t *testing.T) *danglingEnv {
	c := cluster.Get(t)
	cli, calls := standInCLI(t)
	return &danglingEnv{t: t, c: c, leaseNS: c.Namespace(t, "lease"), provider: fixture.Address(t.Name() + "/provider"), cli: cli, calls: calls}
}

func (e *danglingEnv) lease(name string, dseq uint64) fixture.Lease {
	l := fixture.NewLease(e.t.Name()+"/"+name, dseq, fixture.Web("nginx"))
	l.ID.Provider = e.provider
	return l
}

func (e *danglingEnv) run(o runOpts, api *chainapi.Server, args ...string) result {
	base := []string{"dangling", "--lease-namespace", e.leaseNS, "--api", api.URL(), "--provider", e.provider,
		"--via-cli", e.cli, "--block-time", "10ms", "--backup-dir", e.t.TempDir()}
	return kubectlAkash(e.t, e.c, o, append(base, args...)...)
}

// closedBids is what the stand-in provider-services was asked to close.
func (e *danglingEnv) closedBids() string {
	raw, _ := os.ReadFile(e.calls)
	return string(raw)
}

func (e *danglingEnv) namespaceAlive(name string) bool {
	ns, err := e.c.Kube().CoreV1().Namespaces().Get(e.t.Context(), name, metav1.GetOptions{})
	return err == nil && ns.DeletionTimestamp == nil
}

// TestDanglingNeverDeletesANamespaceThatIsNotTheLeases: a namespace that
// carries a copied lease's labels (here the provider's own namespace) and a
// Manifest named like it are not that lease's: closing the lease on chain
// must not delete them.
func TestDanglingNeverDeletesANamespaceThatIsNotTheLeases(t *testing.T) {
	t.Parallel()
	e := newDanglingEnv(t)
	provNS := e.c.Namespace(t, "akash-services")
	forged := e.lease("forged", 401)
	ns, err := e.c.Kube().CoreV1().Namespaces().Get(t.Context(), provNS, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ns.Labels = map[string]string(akash.LeaseLabels(forged.ID))
	if _, err := e.c.Kube().CoreV1().Namespaces().Update(t.Context(), ns, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	// A Manifest named like the provider namespace, for another closed lease.
	named := e.lease("named", 402)
	seedLeases(t, e.c, e.leaseNS, []fixture.Lease{named}, []fixture.Options{{NoNamespace: true}})
	m, err := e.c.Dynamic().Resource(akash.ManifestGVR).Namespace(e.leaseNS).Get(t.Context(), named.Namespace(), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m.SetName(provNS)
	m.SetResourceVersion("")
	m.SetUID("")
	if _, err := e.c.Dynamic().Resource(akash.ManifestGVR).Namespace(e.leaseNS).Create(t.Context(), m, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := e.c.Dynamic().Resource(akash.ManifestGVR).Namespace(e.leaseNS).Delete(t.Context(), named.Namespace(), metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	api := chainapi.Start(t, chainapi.Lease{ID: forged.ID, State: "closed", CreatedAt: 5, ClosedOn: 90},
		chainapi.Lease{ID: named.ID, State: "closed", CreatedAt: 6, ClosedOn: 91})

	r := e.run(runOpts{}, api, "--provider-namespace", provNS, "--close", "--yes", "-o", "json")
	t.Logf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	if !e.namespaceAlive(provNS) {
		t.Fatalf("the provider namespace carrying copied lease labels was deleted")
	}
	if _, err := e.c.Dynamic().Resource(akash.ManifestGVR).Namespace(e.leaseNS).Get(t.Context(), provNS, metav1.GetOptions{}); err != nil {
		t.Fatalf("the Manifest named like the provider namespace must survive: %v", err)
	}
	for _, d := range danglingList(t, r.stdout) {
		if len(d.Status.Actions) != 0 || d.Status.Note == "" {
			t.Errorf("%s: nothing may be planned for it, and the note must say why: %+v", d.Name, d.Status)
		}
	}
}

// TestDanglingKeepsTheBidOfAJustWonLease: a lease just won has nothing in
// the cluster until its tenant sends the manifest; its bid must not be
// closed. An old one with nothing in the cluster is closed.
func TestDanglingKeepsTheBidOfAJustWonLease(t *testing.T) {
	t.Parallel()
	e := newDanglingEnv(t)
	justWon, old := e.lease("just-won", 501), e.lease("old", 502)
	api := chainapi.Start(t, chainapi.Lease{ID: justWon.ID, State: "active", CreatedAt: 10000}, // the latest block
		chainapi.Lease{ID: old.ID, State: "active", CreatedAt: 100})
	r := e.run(runOpts{}, api, "--close", "--yes", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	calls := e.closedBids()
	if strings.Contains(calls, "--dseq 501") {
		t.Fatalf("the bid of a lease created in the latest block was closed:\n%s", calls)
	}
	if !strings.Contains(calls, "--dseq 502") {
		t.Fatalf("the old lease with nothing in the cluster must be closed:\n%s", calls)
	}
	got := danglingList(t, r.stdout)
	if d := got[501]; len(d.Status.Actions) != 0 || !strings.Contains(d.Status.Note, "--min-age") {
		t.Fatalf("just won: %+v", d.Status)
	}
}

// TestDanglingRechecksTheClusterBeforeClosing: the tenant's manifest
// arrives between the plan and the close: the bid must not be closed.
func TestDanglingRechecksTheClusterBeforeClosing(t *testing.T) {
	t.Parallel()
	e := newDanglingEnv(t)
	late := e.lease("late", 551)
	api := chainapi.Start(t, chainapi.Lease{ID: late.ID, State: "active", CreatedAt: 100})
	// The manifest arrives after the cluster was read, before the close:
	// seed it when the chain is first asked for a block (the age check).
	var once sync.Once
	api.OnBlock = func() {
		once.Do(func() {
			if err := fixture.Apply(t.Context(), e.c.Kube(), e.c.Dynamic(), late, fixture.Options{LeaseNamespace: e.leaseNS}); err != nil {
				t.Error(err)
			}
		})
	}
	t.Cleanup(func() {
		_ = e.c.Kube().CoreV1().Namespaces().Delete(context.Background(), late.Namespace(), metav1.DeleteOptions{})
	})
	r := e.run(runOpts{}, api, "--close", "--yes", "-o", "json")
	if strings.Contains(e.closedBids(), "--dseq 551") {
		t.Fatalf("the bid of a lease whose manifest arrived was closed:\n%s", e.closedBids())
	}
	got := danglingList(t, r.stdout)
	if a := got[551].Status.Actions; len(a) != 1 || a[0].Result != execute.Skipped || !strings.Contains(a[0].Message, "exists now") {
		t.Fatalf("late lease: %+v", got[551].Status)
	}
}

// TestDanglingDistrustsAChainThatIgnoresItsQuery: an endpoint that answers
// every query with the same leases would make every in-cluster lease look
// closed. Nothing is deleted; the run fails saying why.
func TestDanglingDistrustsAChainThatIgnoresItsQuery(t *testing.T) {
	t.Parallel()
	e := newDanglingEnv(t)
	mine := e.lease("mine", 601)
	seedLeases(t, e.c, e.leaseNS, []fixture.Lease{mine}, nil)
	other := fixture.NewLease(t.Name()+"/other", 602, fixture.Web("nginx"))
	api := chainapi.Start(t, chainapi.Lease{ID: other.ID, State: "closed", CreatedAt: 3, ClosedOn: 9})
	api.IgnoreQuery = true
	r := e.run(runOpts{}, api, "--close", "--yes")
	if r.code != 1 || !strings.Contains(r.stderr, "does not answer the question asked") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !e.namespaceAlive(mine.Namespace()) {
		t.Fatal("a lease judged on a lying chain answer lost its namespace")
	}
}

// TestDanglingRefusesToCloseWithAnUndecodableManifest: a Manifest that does
// not decode would make its lease look like "nothing in the cluster", and
// its bid would be closed.
func TestDanglingRefusesToCloseWithAnUndecodableManifest(t *testing.T) {
	t.Parallel()
	e := newDanglingEnv(t)
	broken := e.lease("broken", 701)
	seedLeases(t, e.c, e.leaseNS, []fixture.Lease{broken}, []fixture.Options{{NoNamespace: true}})
	m, err := e.c.Dynamic().Resource(akash.ManifestGVR).Namespace(e.leaseNS).Get(t.Context(), broken.Namespace(), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := unstructured.SetNestedField(m.Object, "not-a-number", "spec", "lease_id", "dseq"); err != nil {
		t.Fatal(err)
	}
	m.SetLabels(nil) // nothing else names the lease
	if _, err := e.c.Dynamic().Resource(akash.ManifestGVR).Namespace(e.leaseNS).Update(t.Context(), m, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	api := chainapi.Start(t, chainapi.Lease{ID: broken.ID, State: "active", CreatedAt: 100})
	r := e.run(runOpts{}, api, "--close", "--yes")
	if r.code != 1 || !strings.Contains(r.stderr, "cannot be decoded") || !strings.Contains(r.stderr, broken.Namespace()) {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(e.closedBids(), "--dseq 701") {
		t.Fatalf("the bid of a lease whose Manifest does not decode was closed:\n%s", e.closedBids())
	}
}

// TestDanglingTeardownStopsAtAConflict: the Manifest changes between the
// plan and its delete; the lease's namespace must survive.
func TestDanglingTeardownStopsAtAConflict(t *testing.T) {
	t.Parallel()
	e := newDanglingEnv(t)
	closed := e.lease("closed", 801)
	seedLeases(t, e.c, e.leaseNS, []fixture.Lease{closed}, nil)
	api := chainapi.Start(t, chainapi.Lease{ID: closed.ID, State: "closed", CreatedAt: 3, ClosedOn: 9})
	// Someone changes the Manifest right after the cluster was read: when
	// the chain is first asked about the lease.
	var once sync.Once
	api.OnInfo = func() {
		once.Do(func() {
			m, err := e.c.Dynamic().Resource(akash.ManifestGVR).Namespace(e.leaseNS).Get(t.Context(), closed.Namespace(), metav1.GetOptions{})
			if err == nil {
				m.SetAnnotations(map[string]string{"changed": "by someone else"})
				_, err = e.c.Dynamic().Resource(akash.ManifestGVR).Namespace(e.leaseNS).Update(t.Context(), m, metav1.UpdateOptions{})
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	r := e.run(runOpts{}, api, "--close", "--yes", "-o", "json")
	if r.code != 1 {
		t.Fatalf("a conflict must fail the run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !e.namespaceAlive(closed.Namespace()) {
		t.Fatal("the namespace was deleted although the Manifest's delete conflicted")
	}
	acts := danglingList(t, r.stdout)[801].Status.Actions
	if len(acts) == 0 || acts[0].Target.Kind != "Manifest" || acts[0].Result != execute.Conflict || acts[len(acts)-1].Result != execute.Skipped {
		t.Fatalf("teardown outcomes: %+v", acts)
	}
	if _, err := e.c.Dynamic().Resource(akash.ManifestGVR).Namespace(e.leaseNS).Get(t.Context(), closed.Namespace(), metav1.GetOptions{}); apierrors.IsNotFound(err) {
		t.Fatal("the changed Manifest must survive")
	}
}

// TestDanglingNeverTouchesKubeSystemWithCopiedLabels: kube-system carrying
// a closed lease's labels is not that lease's namespace. Not parallel: the
// labels are on a namespace every test shares, and are taken off before
// the parallel tests run.
func TestDanglingNeverTouchesKubeSystemWithCopiedLabels(t *testing.T) {
	e := newDanglingEnv(t)
	copied := e.lease("copied", 451)
	ns, err := e.c.Kube().CoreV1().Namespaces().Get(t.Context(), "kube-system", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	before := ns.Labels
	ns.Labels = map[string]string(akash.LeaseLabels(copied.ID))
	for k, v := range before {
		ns.Labels[k] = v
	}
	if _, err := e.c.Kube().CoreV1().Namespaces().Update(t.Context(), ns, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		got, err := e.c.Kube().CoreV1().Namespaces().Get(context.Background(), "kube-system", metav1.GetOptions{})
		if err == nil {
			got.Labels = before
			_, err = e.c.Kube().CoreV1().Namespaces().Update(context.Background(), got, metav1.UpdateOptions{})
		}
		if err != nil {
			t.Errorf("taking the copied labels off kube-system: %v", err)
		}
	}()
	api := chainapi.Start(t, chainapi.Lease{ID: copied.ID, State: "closed", CreatedAt: 5, ClosedOn: 90})
	r := e.run(runOpts{}, api, "--close", "--yes", "-o", "json")
	for _, d := range danglingList(t, r.stdout) {
		for _, a := range d.Status.Actions {
			if a.Target.Name == "kube-system" {
				t.Fatalf("a delete of kube-system was planned and sent: %+v", a)
			}
		}
	}
	if !e.namespaceAlive("kube-system") {
		t.Fatal("kube-system is gone")
	}
}
