package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/yaml"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/leases"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// seedLeases creates leases in a private lease namespace and deletes their
// namespaces when the test ends.
func seedLeases(t *testing.T, c *cluster.Cluster, leaseNS string, ls []fixture.Lease, opts []fixture.Options) {
	t.Helper()
	for i, l := range ls {
		o := fixture.Options{}
		if opts != nil {
			o = opts[i]
		}
		o.LeaseNamespace = leaseNS
		if err := fixture.Apply(t.Context(), c.Kube(), c.Dynamic(), l, o); err != nil {
			t.Fatal(err)
		}
		if !o.NoNamespace {
			ns := l.Namespace()
			t.Cleanup(func() {
				_ = c.Kube().CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{})
			})
		}
	}
}

// byNamespace decodes a LeaseList and indexes it by lease namespace.
func byNamespace(t *testing.T, out string) map[string]leases.Lease {
	t.Helper()
	m := map[string]leases.Lease{}
	for _, it := range listItems[leases.Lease](t, "LeaseList", out, "") {
		if it.Kind != "Lease" {
			t.Fatalf("item kind %q", it.Kind)
		}
		m[it.Name] = it
	}
	return m
}

func TestLeasesList(t *testing.T) {
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	web := fixture.Web("nginx:1.25.3")
	db := fixture.Service{Name: "db", Image: "postgres:16.4", Count: 1, CPU: 200, Memory: 256 << 20, Stateful: true}
	full := fixture.NewLease(t.Name()+"/full", 8438017, web, db)
	miner := fixture.NewLease(t.Name()+"/miner", 9200455, fixture.Service{Name: "app", Image: "docker.io/XMRig/xmrig:6.21.0", Count: 1, CPU: 100, Memory: 64 << 20})
	miner.ID.GSeq, miner.ID.OSeq = 2, 3
	manifestOnly := fixture.NewLease(t.Name()+"/manifest-only", 300, web)
	namespaceOnly := fixture.NewLease(t.Name()+"/namespace-only", 400, web)
	seedLeases(t, c, leaseNS,
		[]fixture.Lease{full, miner, manifestOnly, namespaceOnly},
		[]fixture.Options{{}, {}, {NoNamespace: true}, {NoManifest: true}})

	// kwok runs the pods: wait until both services of the full lease are Running.
	eventually(t, 60*time.Second, func(ctx context.Context) (bool, string, error) {
		pods, err := c.Kube().CoreV1().Pods(full.Namespace()).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, "", err
		}
		running := 0
		for _, p := range pods.Items {
			if p.Status.Phase == corev1.PodRunning {
				running++
			}
		}
		return running == 2, fmt.Sprintf("%d/%d pods running", running, len(pods.Items)), nil
	})

	ls := byNamespace(t, kubectlAkash(t, c, runOpts{}, "leases", "list", "--lease-namespace", leaseNS, "-o", "json").ok(t).stdout)

	got, ok := ls[full.Namespace()]
	if !ok {
		t.Fatalf("lease %s missing from %v", full, keys(ls))
	}
	if got.Spec.LeaseID != full.ID || got.Spec.Namespace != full.ID.Namespace() || len(got.Spec.Namespace) != 45 {
		t.Fatalf("lease id/namespace wrong: %+v", got.Spec)
	}
	if len(got.Spec.Services) != 2 || got.Spec.Services[0].Name != "web" || got.Spec.Services[0].Image != "nginx:1.25.3" ||
		got.Spec.Services[1].Name != "db" || got.Spec.Services[1].CPUMilli != 200 || got.Spec.Services[1].Memory != 256<<20 {
		t.Fatalf("services wrong: %+v", got.Spec.Services)
	}
	if !got.Status.Manifest || !got.Status.Namespace || got.Status.Pods["Running"] != 2 || got.CreationTimestamp.IsZero() {
		t.Fatalf("status wrong: %+v (created %v)", got.Status, got.CreationTimestamp)
	}
	if m := ls[miner.Namespace()]; m.Spec.LeaseID.GSeq != 2 || m.Spec.LeaseID.OSeq != 3 || m.Name == fixture.NewLease(t.Name()+"/miner", 9200455).Namespace() {
		t.Fatalf("gseq/oseq must survive and change the namespace: %+v", m.Spec.LeaseID)
	}
	if m := ls[manifestOnly.Namespace()]; !m.Status.Manifest || m.Status.Namespace || m.Spec.LeaseID != manifestOnly.ID {
		t.Fatalf("manifest-only lease: %+v", m)
	}
	if n := ls[namespaceOnly.Namespace()]; n.Status.Manifest || !n.Status.Namespace || n.Spec.LeaseID != namespaceOnly.ID {
		t.Fatalf("namespace-only lease must take its ID from the namespace labels: %+v", n)
	}

	t.Run("image filter is a case-insensitive regex", func(t *testing.T) {
		ls := byNamespace(t, kubectlAkash(t, c, runOpts{}, "leases", "list", "--lease-namespace", leaseNS, "--image", "xmrig/", "-o", "json").ok(t).stdout)
		if len(ls) != 1 || ls[miner.Namespace()].Name == "" {
			t.Fatalf("want only the miner lease, got %v", keys(ls))
		}
		ls = byNamespace(t, kubectlAkash(t, c, runOpts{}, "leases", "list", "--lease-namespace", leaseNS, "--image", "^postgres:", "--image", "NOPE", "-o", "json").ok(t).stdout)
		if len(ls) != 1 || ls[full.Namespace()].Name == "" {
			t.Fatalf("want only the lease with postgres, got %v", keys(ls))
		}
	})
	t.Run("owner and namespace filters", func(t *testing.T) {
		ls := byNamespace(t, kubectlAkash(t, c, runOpts{}, "leases", "list", "--lease-namespace", leaseNS, "--owner", miner.ID.Owner, "-o", "json").ok(t).stdout)
		if len(ls) != 1 || ls[miner.Namespace()].Name == "" {
			t.Fatalf("--owner: %v", keys(ls))
		}
		ls = byNamespace(t, kubectlAkash(t, c, runOpts{}, "leases", "list", "--lease-namespace", leaseNS, "-n", full.Namespace(), "-o", "json").ok(t).stdout)
		if len(ls) != 1 || ls[full.Namespace()].Name == "" {
			t.Fatalf("-n: %v", keys(ls))
		}
	})
	t.Run("every output format", func(t *testing.T) {
		run := func(args ...string) string {
			base := []string{"leases", "list", "--lease-namespace", leaseNS, "-n", full.Namespace()}
			return kubectlAkash(t, c, runOpts{}, append(base, args...)...).ok(t).stdout
		}
		table := run()
		for _, want := range []string{"OWNER", "DSEQ", "NAMESPACE", "SERVICES", full.ID.Owner, "8438017", full.Namespace(), "web(1)=nginx:1.25.3,db(1)=postgres:16.4"} {
			if !strings.Contains(table, want) {
				t.Errorf("table lacks %q:\n%s", want, table)
			}
		}
		if strings.Contains(table, "PODS") {
			t.Errorf("PODS is a wide column:\n%s", table)
		}
		if wide := run("-o", "wide"); !strings.Contains(wide, "Running=2") || !strings.Contains(wide, "manifest,namespace") || !strings.Contains(wide, fixture.Provider) {
			t.Errorf("wide:\n%s", wide)
		}
		if nh := run("--no-headers"); strings.Contains(nh, "OWNER") || !strings.Contains(nh, full.Namespace()) {
			t.Errorf("--no-headers:\n%s", nh)
		}
		if name := run("-o", "name"); name != "lease.kubectl-akash.akash.network/"+full.Namespace()+"\n" {
			t.Errorf("-o name: %q", name)
		}
		var y map[string]any
		if err := yaml.Unmarshal([]byte(run("-o", "yaml")), &y); err != nil || y["kind"] != "LeaseList" {
			t.Errorf("-o yaml: %v %v", err, y["kind"])
		}
		if jp := run("-o", "jsonpath={.items[0].spec.leaseID.dseq}"); jp != "8438017" {
			t.Errorf("jsonpath: %q", jp)
		}
		if jp := run("-o", "jsonpath-as-json={.items[0].spec.services[*].name}"); !strings.Contains(jp, `"web"`) || !strings.Contains(jp, `"db"`) {
			t.Errorf("jsonpath-as-json: %q", jp)
		}
		if gt := run("-o", "go-template={{range .items}}{{.spec.leaseID.owner}}{{end}}"); gt != full.ID.Owner {
			t.Errorf("go-template: %q", gt)
		}
		if cc := run("-o", "custom-columns=NS:.metadata.name,DSEQ:.spec.leaseID.dseq"); !strings.Contains(cc, "NS") || !strings.Contains(cc, full.Namespace()+"   8438017") {
			t.Errorf("custom-columns: %q", cc)
		}
		if jq := run("--jq", ".items[].spec.services[] | .image"); jq != "nginx:1.25.3\npostgres:16.4\n" {
			t.Errorf("--jq: %q", jq)
		}
		if jq := run("--jq", ".items[0].spec"); !strings.Contains(jq, `"leaseID"`) || !strings.Contains(jq, `"dseq": "8438017"`) {
			t.Errorf("--jq object: %q", jq)
		}
	})
}

func keys(m map[string]leases.Lease) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestLeasesListCostsThreeLists proves the read is one LIST per resource
// type, whatever the number of leases.
func TestLeasesListCostsThreeLists(t *testing.T) {
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	cfg, counter := c.CountingConfig()
	measure := func() map[string]int {
		counter.Reset()
		kubectlAkash(t, c, runOpts{config: cfg}, "leases", "list", "--lease-namespace", leaseNS, "-o", "json").ok(t)
		return counter.Counts()
	}
	var ls []fixture.Lease
	for i := range 2 {
		ls = append(ls, fixture.NewLease(fmt.Sprintf("%s/%d", t.Name(), i), uint64(1000+i), fixture.Web("nginx")))
	}
	seedLeases(t, c, leaseNS, ls, nil)
	all := append([]fixture.Lease{}, ls...)
	few := measure()
	ls = nil
	for i := 2; i < 40; i++ {
		ls = append(ls, fixture.NewLease(fmt.Sprintf("%s/%d", t.Name(), i), uint64(1000+i), fixture.Web("nginx"), fixture.Service{Name: "cache", Image: "redis", Count: 1, CPU: 10, Memory: 1 << 20}))
	}
	seedLeases(t, c, leaseNS, ls, nil)
	all = append(all, ls...)
	many := measure()
	want := map[string]int{"LIST manifests": 1, "LIST namespaces": 1, "LIST pods": 1}
	for _, got := range []map[string]int{few, many} {
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("requests %v, want exactly %v", got, want)
		}
	}

	// --chunk-size pages every LIST, kubectl's way: 40 Manifests 16 at a time
	// are three requests, and every lease is still there.
	counter.Reset()
	r := kubectlAkash(t, c, runOpts{config: cfg}, "leases", "list", "--lease-namespace", leaseNS, "--chunk-size", "16", "-o", "json").ok(t)
	if got := counter.Counts()["LIST manifests"]; got != 3 {
		t.Errorf("%d Manifest LISTs at --chunk-size 16 for 40 Manifests, want 3", got)
	}
	listed := byNamespace(t, r.stdout) // other tests' lease namespaces may be there too
	for _, l := range all {
		if it, ok := listed[l.Namespace()]; !ok || !it.Status.Manifest {
			t.Errorf("lease %s missing with --chunk-size 16 (or without its Manifest): %+v", l.Namespace(), it.Status)
		}
	}
}

func TestLeasesListErrors(t *testing.T) {
	c := cluster.Get(t)
	t.Run("forbidden", func(t *testing.T) {
		r := kubectlAkash(t, c, runOpts{kubeconfig: c.ViewerKubeconfig}, "leases", "list")
		if r.code != 1 || !strings.Contains(r.stderr, "not allowed while listing") || strings.Count(r.stderr, "\n") != 1 {
			t.Fatalf("want one forbidden sentence and exit 1, got %d: %q", r.code, r.stderr)
		}
	})
	t.Run("bad regex", func(t *testing.T) {
		r := kubectlAkash(t, c, runOpts{}, "leases", "list", "--image", "(unclosed")
		if r.code != 1 || !strings.Contains(r.stderr, `--image "(unclosed" is not a valid regular expression`) {
			t.Fatalf("got %d: %q", r.code, r.stderr)
		}
	})
	t.Run("bad output", func(t *testing.T) {
		r := kubectlAkash(t, c, runOpts{}, "leases", "list", "-o", "table2")
		if r.code != 1 || !strings.Contains(r.stderr, `unknown output format "table2"`) {
			t.Fatalf("got %d: %q", r.code, r.stderr)
		}
	})
	t.Run("bad jq", func(t *testing.T) {
		r := kubectlAkash(t, c, runOpts{}, "leases", "list", "--jq", ".items[] | select(")
		if r.code != 1 || !strings.Contains(r.stderr, "invalid --jq expression at line 1, column 19") {
			t.Fatalf("got %d: %q", r.code, r.stderr)
		}
	})
	t.Run("unknown flag", func(t *testing.T) {
		r := kubectlAkash(t, c, runOpts{}, "leases", "list", "--imag", "x")
		if r.code != 1 || !strings.Contains(r.stderr, "unknown flag: --imag") {
			t.Fatalf("got %d: %q", r.code, r.stderr)
		}
	})
	t.Run("empty", func(t *testing.T) {
		empty := c.Namespace(t, "lease-empty")
		r := kubectlAkash(t, c, runOpts{}, "leases", "list", "--lease-namespace", empty, "-n", "no-such-lease-namespace").ok(t)
		if r.stdout != "" || !strings.Contains(r.stderr, "No leases found.") {
			t.Fatalf("stdout %q stderr %q", r.stdout, r.stderr)
		}
		r = kubectlAkash(t, c, runOpts{}, "leases", "list", "--lease-namespace", empty, "-n", "no-such-lease-namespace", "-o", "json").ok(t)
		if len(byNamespace(t, r.stdout)) != 0 {
			t.Fatalf("want an empty LeaseList: %s", r.stdout)
		}
	})
}

// TestLeasesListWithoutManifestCRD removes the Manifest CRD for a moment —
// a cluster that is not (yet) an Akash provider — and puts it back. It must
// not run in parallel with tests that use Manifests.
func TestLeasesListWithoutManifestCRD(t *testing.T) {
	c := cluster.Get(t)
	crdGVR := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	crds := c.Dynamic().Resource(crdGVR)
	name := "manifests.akash.network"
	if err := crds.Delete(t.Context(), name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { restoreCRD(t, c, name) })
	eventually(t, 60*time.Second, func(ctx context.Context) (bool, string, error) {
		_, err := c.Dynamic().Resource(akash.ManifestGVR).Namespace("lease").List(ctx, metav1.ListOptions{})
		return apierrors.IsNotFound(err), fmt.Sprint(err), nil
	})
	want := "no manifests CRD (manifests.akash.network) in this cluster: is this an Akash provider?"
	for _, args := range [][]string{
		{"leases", "list"},
		{"manifests", "heal", "--dry-run=client"},
		{"manifests", "backup", "--backup-dir", t.TempDir()},
	} {
		r := kubectlAkash(t, c, runOpts{}, args...)
		if r.code != 1 || !strings.Contains(r.stderr, want) || strings.Count(r.stderr, "\n") != 1 {
			t.Fatalf("%v: got %d: %q", args, r.code, r.stderr)
		}
	}
}

// restoreCRD re-creates a CRD from the project's CRD file and waits until
// its resource is served again. It runs from t.Cleanup, when t.Context() is
// already cancelled, so it polls with a context of its own.
func restoreCRD(t *testing.T, c *cluster.Cluster, name string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "crds", "akash.network.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var crd *unstructured.Unstructured
	for _, doc := range strings.Split(string(raw), "\n---") {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(doc), &u.Object); err == nil && u.GetName() == name {
			crd = u
		}
	}
	if crd == nil {
		t.Fatalf("%s not found in the CRD file", name)
	}
	crdGVR := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var last error
	err = wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		if _, last = c.Dynamic().Resource(crdGVR).Create(ctx, crd.DeepCopy(), metav1.CreateOptions{}); last != nil && !apierrors.IsAlreadyExists(last) {
			return false, nil
		}
		_, last = c.Dynamic().Resource(akash.ManifestGVR).Namespace("lease").List(ctx, metav1.ListOptions{})
		return last == nil, nil
	})
	if err != nil {
		t.Fatalf("restoring CRD %s: %v (last: %v)", name, err, last)
	}
}
