package e2e

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/fleet"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// fleetItem is what the fleet tests read of a merged item: a Lease, or the
// ContextError of a context that failed.
type fleetItem struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata"`
	Spec struct {
		LeaseID akash.LeaseID `json:"leaseID"`
	} `json:"spec"`
	Status struct {
		Manifest bool   `json:"manifest"`
		Reason   string `json:"reason"`
	} `json:"status"`
}

// fleetKubeconfig writes one kubeconfig with a context per cluster (named as
// given) and a context "dead" whose server is a loopback port nothing
// listens on. Both clusters' own kubeconfigs call their cluster and user by
// the same names: only the context tells them apart.
func fleetKubeconfig(t *testing.T, clusters map[string]*cluster.Cluster, aliases map[string]string) string {
	t.Helper()
	out := clientcmdapi.NewConfig()
	var any *clientcmdapi.Config
	add := func(name string, c *clientcmdapi.Config, server string) {
		ctx := c.Contexts[c.CurrentContext]
		cl := *c.Clusters[ctx.Cluster]
		if server != "" {
			cl.Server = server
		}
		out.Clusters[name] = &cl
		out.AuthInfos[name] = c.AuthInfos[ctx.AuthInfo]
		out.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name, Namespace: "default"}
	}
	for name, c := range clusters {
		cfg, err := clientcmd.LoadFromFile(c.Kubeconfig)
		if err != nil {
			t.Fatal(err)
		}
		add(name, cfg, "")
		any = cfg
	}
	for alias, name := range aliases {
		out.Contexts[alias] = out.Contexts[name]
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	add("dead", any, "https://127.0.0.1:"+strconv.Itoa(port))
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*out, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// byContext decodes a merged LeaseList into context → lease DSeqs, and the
// reasons of the contexts that failed.
func byContext(t *testing.T, r result) (map[string][]uint64, map[string]string) {
	t.Helper()
	leasesOf := map[string][]uint64{}
	failed := map[string]string{}
	for _, it := range listItems[fleetItem](t, "LeaseList", r.stdout, r.stderr) {
		ctx := it.Metadata.Annotations[fleet.Annotation]
		if ctx == "" {
			t.Fatalf("item %s/%s carries no %s annotation", it.Kind, it.Metadata.Name, fleet.Annotation)
		}
		switch it.Kind {
		case "Lease":
			leasesOf[ctx] = append(leasesOf[ctx], it.Spec.LeaseID.DSeq)
		case fleet.ErrorKind:
			failed[ctx] = it.Status.Reason
		default:
			t.Fatalf("unexpected item kind %q", it.Kind)
		}
	}
	return leasesOf, failed
}

func TestFleet(t *testing.T) {
	alphaC := cluster.Get(t)
	betaC := cluster.Another(t)

	// One lease namespace name in both clusters, and a second one in beta
	// only, for the fleet's per-context setting.
	leaseNS := alphaC.Namespace(t, "fleet-lease")
	for _, ns := range []string{leaseNS, leaseNS + "-b"} {
		if _, err := betaC.Kube().CoreV1().Namespaces().Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	owner := t.Name() + "/tenant"
	web := fixture.Web("nginx:1.25.3")
	alphaLeases := []fixture.Lease{fixture.NewLease(owner, 101, web), fixture.NewLease(owner, 102, web)}
	betaLeases := []fixture.Lease{fixture.NewLease(owner, 201, web)}
	// The shared cluster must hold none of these leases once the test is
	// over (a later test may count the providers of every lease): this
	// cleanup, registered before seedLeases', runs after its deletes and
	// waits for them.
	t.Cleanup(func() {
		for _, l := range alphaLeases {
			err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
				_, err := alphaC.Kube().CoreV1().Namespaces().Get(ctx, l.Namespace(), metav1.GetOptions{})
				return apierrors.IsNotFound(err), nil
			})
			if err != nil {
				t.Errorf("%s: its namespace is still there: %v", l, err)
			}
		}
	})
	seedLeases(t, alphaC, leaseNS, alphaLeases, nil)
	seedLeases(t, betaC, leaseNS+"-b", betaLeases, nil)

	kubeconfig := fleetKubeconfig(t, map[string]*cluster.Cluster{"alpha": alphaC, "beta": betaC}, nil)
	run := func(args ...string) result {
		return kubectlAkash(t, alphaC, runOpts{kubeconfig: kubeconfig}, args...)
	}
	list := []string{"leases", "list", "--owner", fixture.Address(owner), "--lease-namespace", leaseNS}

	t.Run("all contexts: each lease under its own cluster's context, the dead one an error item, exit 1", func(t *testing.T) {
		r := run(append(list, "--all-contexts", "-o", "json")...)
		if r.code != 1 {
			t.Fatalf("exit %d, want 1 (a context failed)\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
		got, failed := byContext(t, r)
		if want := "[101 102]"; fmtU(got["alpha"]) != want {
			t.Errorf("alpha's leases: %v, want %s", got["alpha"], want)
		}
		// beta has lease 201's namespace (its Manifest is in another lease
		// namespace): it is beta's, and never alpha's.
		if want := "[201]"; fmtU(got["beta"]) != want {
			t.Errorf("beta's leases: %v, want %s", got["beta"], want)
		}
		if len(got["dead"]) != 0 || failed["dead"] == "" || len(failed) != 1 {
			t.Errorf("dead: leases %v, failures %v: want one error item for dead only", got["dead"], failed)
		}
		if !strings.Contains(failed["dead"], "connection refused") {
			t.Errorf("dead's reason %q does not say the connection was refused", failed["dead"])
		}
		if !strings.Contains(r.stderr, "context dead") {
			t.Errorf("stderr does not name the failed context:\n%s", r.stderr)
		}
	})

	t.Run("a table gains a CONTEXT column and an error row", func(t *testing.T) {
		r := run(append(list, "--contexts", "/^(alpha|beta|dead)$/")...)
		if r.code != 1 {
			t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		if !strings.HasPrefix(lines[0], "CONTEXT ") {
			t.Fatalf("header %q does not start with CONTEXT", lines[0])
		}
		count := map[string]int{}
		for _, l := range lines[1:] {
			count[strings.Fields(l)[0]]++
			if strings.HasPrefix(l, "dead ") && !strings.Contains(l, "connection refused") {
				t.Errorf("dead's row does not give the reason: %q", l)
			}
		}
		if count["alpha"] != 2 || count["beta"] != 1 || count["dead"] != 1 {
			t.Fatalf("rows per context %v, want alpha 2, beta 1, dead 1:\n%s", count, r.stdout)
		}
	})

	t.Run("exclusion", func(t *testing.T) {
		r := run(append(list, "--contexts", "^dead", "-o", "json")...).ok(t)
		got, failed := byContext(t, r)
		if len(failed) != 0 || len(got["alpha"]) != 2 || len(got["beta"]) != 1 {
			t.Fatalf("--contexts ^dead: leases %v, failures %v", got, failed)
		}
	})

	t.Run("a fleet from the config file, with per-context settings", func(t *testing.T) {
		dir := t.TempDir()
		t.Setenv("XDG_CONFIG_HOME", dir)
		if err := os.MkdirAll(filepath.Join(dir, "kubectl-akash"), 0o755); err != nil {
			t.Fatal(err)
		}
		config := "apiVersion: kubectl-akash.akash.network/v1alpha1\nkind: Config\nfleets:\n" +
			"- name: prod\n  contexts:\n  - context: alpha\n    leaseNamespace: " + leaseNS + "\n  - context: beta\n    leaseNamespace: " + leaseNS + "-b\n"
		if err := os.WriteFile(filepath.Join(dir, "kubectl-akash", "config.yaml"), []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		r := run(append(list, "--fleet", "prod", "-o", "json")...)
		if r.code != 0 {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
		items := listItems[fleetItem](t, "LeaseList", r.stdout, r.stderr)
		manifests := map[string]bool{}
		for _, it := range items {
			manifests[it.Metadata.Annotations[fleet.Annotation]+"/"+strconv.FormatUint(it.Spec.LeaseID.DSeq, 10)] = it.Status.Manifest
		}
		// --lease-namespace on the command line wins over the fleet's
		// setting; without it beta reads its own lease namespace.
		if len(manifests) != 3 || !manifests["alpha/101"] || !manifests["alpha/102"] || manifests["beta/201"] {
			t.Fatalf("with --lease-namespace given: %v", manifests)
		}
		base := []string{"leases", "list", "--owner", fixture.Address(owner), "--fleet", "prod", "-o", "json"}
		r = run(append(base, "--lease-namespace", leaseNS+"-b", "--contexts", "beta")...).ok(t)
		got, _ := byContext(t, r)
		if fmtU(got["beta"]) != "[201]" || len(got["alpha"]) != 0 {
			t.Fatalf("--fleet prod --contexts beta: %v", got)
		}
		// The setting itself: beta's Manifest is found only in its namespace.
		r = run("leases", "list", "--owner", fixture.Address(owner), "--fleet", "prod", "--contexts", "beta", "-o", "json").ok(t)
		for _, it := range listItems[fleetItem](t, "LeaseList", r.stdout, r.stderr) {
			if !it.Status.Manifest {
				t.Fatalf("beta's lease %d: the fleet's leaseNamespace was not used (no Manifest found)", it.Spec.LeaseID.DSeq)
			}
		}

		// A plugins.yaml command fans out the same way, with the settings.
		r = run("lease-images", "--fleet", "prod", "-o", "json").ok(t)
		var rows struct {
			Items []struct {
				Metadata struct {
					Annotations map[string]string `json:"annotations"`
				} `json:"metadata"`
				Spec struct {
					DSeq string `json:"dseq"`
				} `json:"spec"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
			t.Fatalf("%v\n%s", err, r.stdout)
		}
		var seen []string
		for _, it := range rows.Items {
			seen = append(seen, it.Metadata.Annotations[fleet.Annotation]+"/"+it.Spec.DSeq)
		}
		if strings.Join(seen, " ") != "alpha/101 alpha/102 beta/201" {
			t.Fatalf("lease-images --fleet prod: %v", seen)
		}

		r = run(append(list, "--fleet", "nope")...)
		if r.code != 1 || !strings.Contains(r.stderr, `defines no such fleet (it has: prod)`) {
			t.Fatalf("unknown fleet: exit %d, stderr:\n%s", r.code, r.stderr)
		}
	})

	t.Run("mutating commands refuse several contexts and change nothing", func(t *testing.T) {
		for _, args := range [][]string{
			{"leases", "close", "--owner", fixture.Address(owner), "--dseq", "101", "--yes", "--contexts", "alpha,beta"},
			{"dangling", "--close", "--yes", "--all-contexts"},
			{"pods", "clean-failed", "--yes", "--all-contexts"},
			{"replicasets", "force-new", "--yes", "--contexts", "alpha,beta"},
		} {
			r := run(args...)
			if r.code != 1 || !strings.Contains(r.stderr, "--context NAME") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Errorf("%v: exit %d, want 1 and one sentence naming --context:\n%s", args, r.code, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("%v printed %q: a refusal prints no plan", args, r.stdout)
			}
		}
		for name, c := range map[string]*cluster.Cluster{"alpha": alphaC, "beta": betaC} {
			ls := alphaLeases
			if name == "beta" {
				ls = betaLeases
			}
			for _, l := range ls {
				if _, err := c.Kube().CoreV1().Namespaces().Get(context.Background(), l.Namespace(), metav1.GetOptions{}); err != nil {
					t.Errorf("%s: %s: %v", name, l, err)
				}
			}
		}
		// A rehearsal changes nothing, so it may run on the fleet.
		r := run("replicasets", "force-new", "--dry-run=client", "--contexts", "alpha,beta", "-o", "json")
		if r.code != 0 {
			t.Fatalf("force-new --dry-run=client on two contexts: exit %d\n%s", r.code, r.stderr)
		}
	})

	t.Run("doctor scores each context and the fleet", func(t *testing.T) {
		// A problem in beta only: a Failed pod in lease 201's namespace.
		failedPod(t, betaC, betaLeases[0].Namespace(), "oom", corev1.PodFailed, "", time.Now().Add(-time.Hour))
		dir := t.TempDir()
		t.Setenv("XDG_CONFIG_HOME", dir)
		if err := os.MkdirAll(filepath.Join(dir, "kubectl-akash"), 0o755); err != nil {
			t.Fatal(err)
		}
		config := "apiVersion: kubectl-akash.akash.network/v1alpha1\nkind: Config\nfleets:\n- name: prod\n  contexts:\n  - context: alpha\n  - context: beta\n"
		if err := os.WriteFile(filepath.Join(dir, "kubectl-akash", "config.yaml"), []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		doctorFleetJSON(t, run, betaLeases[0].Namespace())
		doctorFleetTable(t, run)
		doctorFleetPrometheus(t, run, betaLeases[0].Namespace())
	})

	t.Run("time for N contexts, one at a time and in parallel, over links with latency", func(t *testing.T) {
		// Provider clusters are far apart: each context reaches its API
		// server through a loopback proxy that delays every byte by 40ms
		// each way (an 80ms round trip). The times are logged, not asserted.
		const n = 8
		cfg, err := clientcmd.LoadFromFile(kubeconfig)
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			name := "n" + strconv.Itoa(i)
			base := []string{"alpha", "beta"}[i%2]
			cl := *cfg.Clusters[base]
			cl.Server = "https://" + delayProxy(t, strings.TrimPrefix(cl.Server, "https://"), 40*time.Millisecond)
			cfg.Clusters[name], cfg.AuthInfos[name] = &cl, cfg.AuthInfos[base]
			cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name}
		}
		kc := filepath.Join(t.TempDir(), "kubeconfig")
		if err := clientcmd.WriteToFile(*cfg, kc); err != nil {
			t.Fatal(err)
		}
		for _, parallel := range []string{"1", "4", "8"} {
			began := time.Now()
			r := kubectlAkash(t, alphaC, runOpts{kubeconfig: kc}, append(list, "--contexts", "/^n[0-9]$/", "--parallel-contexts", parallel, "-o", "json")...).ok(t)
			took := time.Since(began)
			got, _ := byContext(t, r)
			if len(got) != n {
				t.Fatalf("%d contexts answered, want %d", len(got), n)
			}
			t.Logf("leases list on %d contexts, --parallel-contexts=%s: %s", n, parallel, took.Round(time.Millisecond))
		}
	})
}

// delayProxy forwards a loopback port to target, delivering every chunk
// delay after it was read, in each direction: a link with latency but no
// bandwidth limit. It returns its address and stops when the test ends.
func delayProxy(t *testing.T, target string, delay time.Duration) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	pipe := func(dst, src net.Conn) {
		type chunk struct {
			at   time.Time
			data []byte
		}
		ch := make(chan chunk, 1024)
		go func() {
			defer close(ch)
			for {
				buf := make([]byte, 32<<10)
				n, err := src.Read(buf)
				if n > 0 {
					ch <- chunk{time.Now().Add(delay), buf[:n]}
				}
				if err != nil {
					return
				}
			}
		}()
		for c := range ch {
			time.Sleep(time.Until(c.at))
			if _, err := dst.Write(c.data); err != nil {
				break
			}
		}
		dst.Close()
		src.Close()
	}
	go func() {
		for {
			client, err := l.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", target)
			if err != nil {
				client.Close()
				continue
			}
			t.Cleanup(func() { client.Close(); server.Close() })
			go pipe(server, client)
			go pipe(client, server)
		}
	}()
	return l.Addr().String()
}

func fmtU(u []uint64) string {
	b, _ := json.Marshal(u)
	return strings.ReplaceAll(string(b), ",", " ")
}
