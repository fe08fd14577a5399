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
	"k8s.io/utils/ptr"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/dangling"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/test/chainapi"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

func danglingList(t *testing.T, out string) map[uint64]dangling.DanglingLease {
	t.Helper()
	m := map[uint64]dangling.DanglingLease{}
	for _, it := range listItems[dangling.DanglingLease](t, "DanglingLeaseList", out, "") {
		m[it.Spec.LeaseID.DSeq] = it
	}
	return m
}

// standInCLI writes a provider-services stand-in that records its arguments
// and answers like the real CLI in block broadcast mode.
func standInCLI(t *testing.T) (path, log string) {
	dir := t.TempDir()
	path, log = filepath.Join(dir, "provider-services"), filepath.Join(dir, "calls.log")
	script := `#!/bin/sh
` + providerServicesVersion + `echo "$*" >>` + log + `
case "$*" in
  *"tx market bid close"*) echo '{"height":"4242","txhash":"9F3A1C0DE","code":0,"codespace":"","raw_log":"[]"}' ;;
  *"query tx"*) echo '{"height":"4242","txhash":"9F3A1C0DE","code":0,"raw_log":"[]"}' ;;
  *) echo "unexpected: $*" >&2; exit 1 ;;
esac
`
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path, log
}

// TestDangling reconciles a chain (a stand-in REST API on loopback, several
// pages) with real lease namespaces: closed leases lose what the provider's
// teardown removes, an open lease without workload gets its bid closed, and
// leases of unknown or unknown-to-chain state are never touched.
func TestDangling(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	provider := fixture.Address(t.Name() + "/provider")
	mk := func(name string, dseq uint64) fixture.Lease {
		l := fixture.NewLease(t.Name()+"/"+name, dseq, fixture.Web("nginx:1.25"))
		l.ID.Provider = provider
		l.Services[0].Hostname = name + ".example.com"
		return l
	}
	running, closed, unknown, notFound, orphan := mk("running", 101), mk("closed", 102), mk("unknown", 103), mk("notfound", 104), mk("orphan", 105)
	seedLeases(t, c, leaseNS, []fixture.Lease{running, closed, unknown, notFound}, nil)
	ip := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": akash.Group + "/" + akash.Version, "kind": "ProviderLeasedIP",
		"metadata": map[string]any{"name": "sharedkey-tcp-8080", "namespace": leaseNS},
		"spec":     map[string]any{"service_name": "web", "port": int64(80), "external_port": int64(8080), "protocol": "TCP", "sharing_key": "sharedkey"},
	}}
	ip.SetLabels(akash.LeaseLabels(closed.ID))
	if _, err := c.Dynamic().Resource(akash.ProviderLeasedIPGVR).Namespace(leaseNS).Create(t.Context(), ip, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitRunning(t, c, closed.Namespace(), selectorOf(closed, "web"), 1)

	api := chainapi.Start(t,
		chainapi.Lease{ID: running.ID, State: "active", CreatedAt: 10},
		chainapi.Lease{ID: closed.ID, State: "closed", CreatedAt: 11, ClosedOn: 900},
		chainapi.Lease{ID: unknown.ID, State: "closed", CreatedAt: 12, ClosedOn: 901},
		chainapi.Lease{ID: orphan.ID, State: "insufficient_funds", CreatedAt: 14},
	)
	api.MaxPage, api.FailInfo = 1, map[uint64]bool{unknown.ID.DSeq: true}
	base := []string{"dangling", "--lease-namespace", leaseNS, "--api", api.URL(), "--provider", provider}
	run := func(args ...string) result {
		return kubectlAkash(t, c, runOpts{}, append(append([]string{}, base...), args...)...)
	}

	// Report: exit 3, both directions, states as the chain said.
	r := run("-o", "json")
	if r.code != 3 {
		t.Fatalf("findings must exit 3, got %d: %s", r.code, r.stderr)
	}
	got := danglingList(t, r.stdout)
	if len(got) != 4 {
		t.Fatalf("want closed, unknown, not-found and orphan; got %d: %v", len(got), got)
	}
	if d := got[102]; d.Spec.Direction != dangling.InClusterNotOnChain || d.Spec.ChainState != "closed" || d.Spec.ClosedOn != 900 ||
		d.Spec.Held.Pods != 1 || d.Spec.Held.ProviderHosts != 1 || d.Spec.Held.ProviderLeasedIPs != 1 || d.Spec.Held.CPUMillis != 100 {
		t.Fatalf("closed lease: %+v", d.Spec)
	}
	if d := got[103]; d.Spec.ChainState != "unknown" || !strings.Contains(d.Spec.ChainError, "store read failed") {
		t.Fatalf("unreadable lease: %+v", d.Spec)
	}
	if d := got[104]; d.Spec.ChainState != "not found" {
		t.Fatalf("lease the chain does not know: %+v", d.Spec)
	}
	if d := got[105]; d.Spec.Direction != dangling.OnChainNotInCluster || d.Spec.ChainState != "insufficient_funds" {
		t.Fatalf("orphan: %+v", d.Spec)
	}
	if _, ok := got[101]; ok {
		t.Fatal("the running, active lease is not dangling")
	}
	if table := run().stdout; !strings.Contains(table, "in cluster, not on chain") || !strings.Contains(table, "on chain, not in cluster") {
		t.Fatalf("table:\n%s", table)
	}

	// A client dry run plans and changes nothing.
	cliPath, calls := standInCLI(t)
	r = run("--close", "--dry-run=client", "--via-cli", cliPath, "-o", "json")
	if r.code != 0 {
		t.Fatalf("dry run: exit %d %s", r.code, r.stderr)
	}
	plan := danglingList(t, r.stdout)
	if n := len(plan[102].Status.Actions); n != 4 { // Manifest, ProviderHost, ProviderLeasedIP, Namespace
		t.Fatalf("teardown plan has %d actions: %+v", n, plan[102].Status.Actions)
	}
	if a := plan[105].Status.Actions[0]; a.Result != execute.DryRun || !strings.Contains(a.Message, "tx market bid close --owner "+orphan.ID.Owner+" --dseq 105") {
		t.Fatalf("bid close in a dry run: %+v", a)
	}
	if _, err := os.Stat(calls); err == nil {
		t.Fatal("a client dry run must not run provider-services")
	}

	// The clean-up.
	dir := t.TempDir()
	r = run("--close", "--yes", "--via-cli", cliPath, "--block-time", "10ms", "--backup-dir", dir, "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	done := danglingList(t, r.stdout)
	for _, a := range done[102].Status.Actions {
		if a.Result != execute.Succeeded {
			t.Fatalf("teardown: %+v", a)
		}
	}
	if a := done[105].Status.Actions[0]; a.Result != execute.Succeeded || !strings.Contains(a.Message, "9F3A1C0DE") {
		t.Fatalf("bid close: %+v", a)
	}
	recorded, _ := os.ReadFile(calls)
	if !strings.Contains(string(recorded), "tx market bid close --owner "+orphan.ID.Owner+" --dseq 105 --gseq 1 --oseq 1 --reason 10002") || strings.Count(string(recorded), "bid close") != 1 {
		t.Fatalf("provider-services calls:\n%s", recorded)
	}
	if _, err := c.Dynamic().Resource(akash.ManifestGVR).Namespace(leaseNS).Get(t.Context(), closed.Namespace(), metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("the closed lease's Manifest must be gone: %v", err)
	}
	if ns, err := c.Kube().CoreV1().Namespaces().Get(t.Context(), closed.Namespace(), metav1.GetOptions{}); err == nil && ns.DeletionTimestamp == nil {
		t.Fatal("the closed lease's namespace must be deleted")
	}
	for _, l := range []fixture.Lease{running, unknown, notFound} {
		if _, err := c.Dynamic().Resource(akash.ManifestGVR).Namespace(leaseNS).Get(t.Context(), l.Namespace(), metav1.GetOptions{}); err != nil {
			t.Fatalf("%s must be untouched: %v", l, err)
		}
		if ns, err := c.Kube().CoreV1().Namespaces().Get(t.Context(), l.Namespace(), metav1.GetOptions{}); err != nil || ns.DeletionTimestamp != nil {
			t.Fatalf("%s namespace must be untouched: %v", l, err)
		}
	}
	hosts, err := c.Dynamic().Resource(akash.ProviderHostGVR).Namespace(leaseNS).List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(hosts.Items) != 3 {
		t.Fatalf("only the closed lease's ProviderHost goes: %d left", len(hosts.Items))
	}
	backups, _ := filepath.Glob(filepath.Join(dir, "kubectl-akash-backup-*.yaml"))
	if len(backups) != 1 {
		t.Fatalf("backups: %v", backups)
	}
	if raw, _ := os.ReadFile(backups[0]); !strings.Contains(string(raw), "sharedkey-tcp-8080") || !strings.Contains(string(raw), "closed.example.com") {
		t.Fatalf("backup lacks the lease objects:\n%s", raw)
	}
}

// TestDanglingChainFailuresDeleteNothing: an unreachable, failing or
// malformed API is an error, and --close --yes then deletes nothing.
func TestDanglingChainFailuresDeleteNothing(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	provider := fixture.Address(t.Name() + "/provider")
	l := fixture.NewLease(t.Name()+"/closed", 201, fixture.Web("nginx"))
	l.ID.Provider = provider
	seedLeases(t, c, leaseNS, []fixture.Lease{l}, nil)
	for name, breakIt := range map[string]func(*chainapi.Server){
		"malformed": func(s *chainapi.Server) { s.Broken = true },
		"failing":   func(s *chainapi.Server) { s.Fail = true },
	} {
		api := chainapi.Start(t, chainapi.Lease{ID: l.ID, State: "closed"})
		breakIt(api)
		r := kubectlAkash(t, c, runOpts{}, "dangling", "--lease-namespace", leaseNS, "--api", api.URL(), "--provider", provider, "--close", "--yes")
		if r.code != 1 || !strings.Contains(r.stderr, "cannot read the open leases from the chain") || !strings.Contains(r.stderr, "nothing is judged") {
			t.Fatalf("%s: exit %d %q", name, r.code, r.stderr)
		}
	}
	r := kubectlAkash(t, c, runOpts{}, "dangling", "--lease-namespace", leaseNS, "--api", "http://127.0.0.1:1", "--provider", provider, "--close", "--yes")
	if r.code != 1 || !strings.Contains(r.stderr, "did not answer") {
		t.Fatalf("unreachable: exit %d %q", r.code, r.stderr)
	}
	if _, err := c.Dynamic().Resource(akash.ManifestGVR).Namespace(leaseNS).Get(t.Context(), l.Namespace(), metav1.GetOptions{}); err != nil {
		t.Fatalf("nothing may be deleted: %v", err)
	}
	r = kubectlAkash(t, c, runOpts{}, "dangling", "--provider", "akash1notbech32", "--api", "http://127.0.0.1:1")
	if r.code != 1 || !strings.Contains(r.stderr, "--provider") || !strings.Contains(r.stderr, "bech32") {
		t.Fatalf("bad address: exit %d %q", r.code, r.stderr)
	}
}

// standInProviderPod runs a pod labelled app=akash-provider on the real node
// whose provider-services is script, and waits until it is Ready.
func standInProviderPod(t *testing.T, c *cluster.Cluster, ns, node, script string, env ...corev1.EnvVar) {
	t.Helper()
	if _, err := c.Kube().CoreV1().ConfigMaps(ns).Create(t.Context(), &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "provider-services"},
		Data:       map[string]string{"provider-services": script},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "akash-provider-0", Labels: map[string]string{"app": "akash-provider"}},
		Spec: corev1.PodSpec{
			NodeName:    node,
			Tolerations: []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
			Containers: []corev1.Container{{
				Name: "provider", Image: cluster.BusyboxImage, ImagePullPolicy: corev1.PullNever,
				Command:      []string{"/bin/sh", "-c", "sleep 2147483647"},
				Env:          append([]corev1.EnvVar{{Name: "PATH", Value: "/stand-in:/bin"}}, env...),
				VolumeMounts: []corev1.VolumeMount{{Name: "stand-in", MountPath: "/stand-in"}},
			}},
			Volumes: []corev1.Volume{{Name: "stand-in", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: "provider-services"}, DefaultMode: ptr.To[int32](0o755)}}}},
		},
	}
	if _, err := c.Kube().CoreV1().Pods(ns).Create(t.Context(), p, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 90*time.Second, func(ctx context.Context) (bool, string, error) {
		got, err := c.Kube().CoreV1().Pods(ns).Get(ctx, p.Name, metav1.GetOptions{})
		if err != nil {
			return false, "", err
		}
		for _, cond := range got.Status.Conditions {
			if cond.Type == corev1.PodReady && cond.Status == corev1.ConditionTrue {
				return true, "", nil
			}
		}
		return false, string(got.Status.Phase), nil
	})
}

// TestDanglingThroughProviderPod reads the chain the default way: with
// provider-services inside the akash-provider pod, over the exec API of a
// real kubelet. The stand-in answers in the CLI's JSON, in two pages.
func TestDanglingThroughProviderPod(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	leaseNS := c.Namespace(t, "lease")
	provNS := c.Namespace(t, "akash-services")
	provider := fixture.Address(t.Name() + "/provider")
	mk := func(name string, dseq uint64) fixture.Lease {
		l := fixture.NewLease(t.Name()+"/"+name, dseq, fixture.Web("nginx"))
		l.ID.Provider = provider
		return l
	}
	a, b, closed, orphan := mk("a", 301), mk("b", 302), mk("closed", 303), mk("orphan", 304)
	b.ID.GSeq, b.ID.OSeq = 2, 3 // hidden by the CLI's default of gseq=1/oseq=1
	seedLeases(t, c, leaseNS, []fixture.Lease{a, b, closed}, nil)
	lease := func(l fixture.Lease, state string) string {
		return fmt.Sprintf(`{"lease":{"id":{"owner":"%s","dseq":"%d","gseq":%d,"oseq":%d,"provider":"%s","bseq":0},"state":"%s","created_at":"7","closed_on":"0"}}`,
			l.ID.Owner, l.ID.DSeq, l.ID.GSeq, l.ID.OSeq, l.ID.Provider, state)
	}
	script := `#!/bin/sh
echo "$*" >>/tmp/calls
case "$*" in
  *"lease list"*"--state active"*"--page-key cGFnZTI="*) echo '{"leases":[` + lease(b, "active") + `,` + lease(orphan, "active") + `],"pagination":{"next_key":null,"total":"0"}}' ;;
  *"lease list"*"--state active"*) echo '{"leases":[` + lease(a, "active") + `],"pagination":{"next_key":"cGFnZTI=","total":"0"}}' ;;
  *"lease list"*) echo '{"leases":[],"pagination":{"next_key":null,"total":"0"}}' ;;
  *"lease get"*"--dseq 303"*) echo '` + lease(closed, "closed") + `' ;;
  *) echo "Error: unexpected call" >&2; exit 1 ;;
esac
`
	standInProviderPod(t, c, provNS, node, script)

	r := kubectlAkash(t, c, runOpts{}, "dangling", "--lease-namespace", leaseNS, "--provider-namespace", provNS, "--provider", provider, "-o", "json")
	if r.code != 3 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	got := danglingList(t, r.stdout)
	if len(got) != 2 || got[303].Spec.ChainState != "closed" || got[304].Spec.Direction != dangling.OnChainNotInCluster {
		t.Fatalf("want the closed lease and the orphan, got %+v", got)
	}
	pr := &chain.PodRunner{Config: c.RESTConfig(), Kube: c.Kube(), Namespace: provNS, Pod: "akash-provider-0", Container: "provider"}
	out, err := pr.Run(t.Context(), []string{"cat", "/tmp/calls"})
	if err != nil || out.ExitCode != 0 {
		t.Fatalf("reading the recorded calls: %v %+v", err, out)
	}
	if !strings.Contains(out.Stdout, "query market lease list --provider "+provider+" --state active --gseq 0 --oseq 0") || !strings.Contains(out.Stdout, "--page-key cGFnZTI=") {
		t.Fatalf("calls:\n%s", out.Stdout)
	}
}
