package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodecheck"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

const healthOwner = "akash1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3c9h"

// healthOf decodes `node-debug health -o json` and returns node's results by check.
func healthOf(t *testing.T, r result, node string) map[string]nodecheck.Result {
	t.Helper()
	for _, h := range listItems[nodecheck.Health](t, nodecheck.Kind+"List", r.stdout, r.stderr) {
		if h.Name != node {
			continue
		}
		if h.Status.Error != "" {
			t.Fatalf("node %s was not checked: %s", node, h.Status.Error)
		}
		out := map[string]nodecheck.Result{}
		for _, res := range h.Status.Results {
			out[res.Check] = res
		}
		return out
	}
	t.Fatalf("no report of node %s\n%s\n%s", node, r.stdout, r.stderr)
	return nil
}

func checkNames(results map[string]nodecheck.Result) string {
	var names []string
	for n := range results {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

func findingFor(res nodecheck.Result, code, podUID string) *nodecheck.Finding {
	for i, f := range res.Findings {
		if f.Code == code && (podUID == "" || f.PodUID == podUID) {
			return &res.Findings[i]
		}
	}
	return nil
}

// On the real kubelet node: every check runs in one debug pod; the
// kubelet's podPidsLimit (4096, set by hack/lib/realnode.sh) is read live
// through the API server's node proxy (configz, no file fallback), so the
// unset-limit warning is not raised and the limit is reported; the zombie-making lease pod is named
// with its lease; the harness's kubelet (serial image pulls, evictionHard
// {}) is flagged; exit 3; --checks and --skip choose; no debug pod is left.
func TestNodeDebugHealthRealNode(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	debugNS := c.Namespace(t, "health")
	leaseNS := c.Namespace(t, "health-lease")
	labelLease(t, c, leaseNS, 4242)
	name := "leaky-" + strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	uid := leakyPod(t, c, node, leaseNS, name)

	health := func(extra ...string) result {
		args := append([]string{"node-debug", "health", node, "--image", c.AgentImage, "--debug-namespace", debugNS, "-o", "json"}, extra...)
		return kubectlAkash(t, c, runOpts{}, args...)
	}
	var r result
	var results map[string]nodecheck.Result
	eventually(t, 90*time.Second, func(context.Context) (bool, string, error) {
		r = health()
		if r.code == cli.ExitFailure {
			return false, r.stdout + r.stderr, nil
		}
		results = healthOf(t, r, node)
		return findingFor(results["zombies"], nodecheck.CodeZombies, uid) != nil, r.stdout + r.stderr, nil
	})
	if r.code != cli.ExitFindings {
		t.Fatalf("exit %d, want 3\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if got := checkNames(results); got != "certs,gpu,kubelet,memcg,mounts,pids,pressure,zombies" {
		t.Errorf("checks run: %s", got)
	}
	for name, res := range results {
		if res.Status == nodecheck.StatusError {
			t.Errorf("check %s could not run: %s", name, res.Reason)
		}
	}
	z := findingFor(results["zombies"], nodecheck.CodeZombies, uid)
	if z.Namespace != leaseNS || z.Pod != name || z.Owner != healthOwner || z.DSeq != "4242" || z.Node != node {
		t.Errorf("the zombie's pod and lease: %+v", z)
	}

	pids := results["pids"]
	if f := findingFor(pids, nodecheck.CodePodPidsUnset, ""); f != nil {
		t.Errorf("podPidsLimit is 4096 on the real node, yet: %+v", f)
	}
	if f := findingFor(pids, nodecheck.CodePodPidsUnknown, ""); f != nil {
		t.Errorf("the kubelet's configuration was not read: %+v", f)
	}
	// The live configuration comes through the API server's node proxy (the
	// kubelet serves on a private address of the rig, which the proxy
	// allows): no finding says the --config file was judged instead. The
	// fallback for clusters that forbid configz is unit-tested in nodecheck.
	for _, check := range []string{"pids", "kubelet"} {
		if f := findingFor(results[check], nodecheck.CodeKubeletFile, ""); f != nil {
			t.Errorf("%s: the kubelet's configz was not read through the API server: %+v", check, f)
		}
	}
	raw, err := c.Kube().CoreV1().RESTClient().Get().AbsPath("/api/v1/nodes", node, "proxy", "configz").DoRaw(context.Background())
	if err != nil {
		t.Fatalf("GET nodes/%s/proxy/configz: %v", node, err)
	}
	live, err := nodecheck.ParseConfigz(raw)
	if err != nil || live.PodPidsLimit == nil || *live.PodPidsLimit != 4096 {
		t.Errorf("the kubelet's configz does not say podPidsLimit 4096 (%v):\n%s", err, raw)
	}
	limit, perPod := -1.0, false
	for _, m := range pids.Metrics {
		switch {
		case m.Name == "kubectl_akash_node_kubelet_pod_pids_limit":
			limit = m.Value
		case m.Name == "kubectl_akash_node_pod_pids" && m.Labels["pod"] == name:
			perPod = m.Labels["namespace"] == leaseNS && m.Labels["owner"] == healthOwner && m.Labels["dseq"] == "4242" && m.Value >= 2
		}
	}
	if limit != 4096 {
		t.Errorf("podPidsLimit reported as %v, want 4096 (from configz)", limit)
	}
	if !perPod {
		t.Errorf("no PID count of the lease pod %s, named with its lease: %+v", name, pids.Metrics)
	}

	kubelet := results["kubelet"]
	for _, code := range []string{nodecheck.CodeSerialPulls, nodecheck.CodeEviction} {
		if findingFor(kubelet, code, "") == nil {
			t.Errorf("the harness's kubelet should get %s: %+v", code, kubelet.Findings)
		}
	}
	noDebugPods(t, c, debugNS)

	// What one run costs the API server: a constant number of LISTs (nodes,
	// pods, lease namespaces), one configz GET per node, and the debug pod.
	calls := &requestCounter{}
	cfg := c.RESTConfig()
	// Each transport the clients build (REST, WebSocket exec) is wrapped on its own.
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { return &countingTransport{next: rt, counter: calls} }
	start := time.Now()
	r = kubectlAkash(t, c, runOpts{config: cfg}, "node-debug", "health", node, "--image", c.AgentImage, "--debug-namespace", debugNS, "--checks", "pids,kubelet", "-o", "json")
	t.Logf("one node, --checks pids,kubelet: %s; API requests: %v", time.Since(start).Round(time.Millisecond), calls.summary())
	if got := checkNames(healthOf(t, r, node)); got != "kubelet,pids" {
		t.Errorf("--checks pids,kubelet ran %s", got)
	}
	for _, want := range []string{"LIST nodes 1", "LIST pods 1", "LIST namespaces 1", "GET nodes/proxy 1", "POST pods 1", "GET pods/exec 1", "DELETE pods 1"} {
		if !strings.Contains(" "+calls.summary()+",", " "+want+",") {
			t.Errorf("want %s: %s", want, calls.summary())
		}
	}
	r = health("--skip", "zombies,memcg,mounts,pressure,certs,gpu")
	if got := checkNames(healthOf(t, r, node)); got != "kubelet,pids" {
		t.Errorf("--skip ran %s", got)
	}
	noDebugPods(t, c, debugNS)
}

// --local on a host root built here: dying memory cgroups in cgroup.stat,
// a leaked subPath mount in PID 1's mountinfo, memory pressure in PSI, and
// a kernel log whose OOM kill hit a lease pod's process (a pod of this
// cluster, so the plugin names it and its lease through the API).
func TestNodeDebugHealthLocalBuiltRoot(t *testing.T) {
	c := cluster.Get(t)
	ctx := context.Background()
	leaseNS := c.Namespace(t, "health-local")
	labelLease(t, c, leaseNS, 777)
	pod, err := c.Kube().CoreV1().Pods(leaseNS).Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web-0"},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx"}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	uid := string(pod.UID)
	const gone = "d5e6f7a8-b9c0-4d1e-8f2a-3b4c5d6e7f80"

	host, proc := builtHostRoot(t, uid, gone, "25a38b5b8d556d7983d975577f5ac75ebbcfb4b269e6deaa0a0440c1ffc969ca", "183960")

	local := func(extra ...string) result {
		args := append([]string{"node-debug", "health", "--local", "--host-root", host, "--proc-root", proc, "--kernel-log", "/var/log/kern.log", "-o", "json"}, extra...)
		return kubectlAkash(t, c, runOpts{}, args...)
	}
	r := local("--checks", "memcg,mounts,pressure")
	if r.code != cli.ExitFindings {
		t.Fatalf("exit %d, want 3\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	hostname, _ := os.Hostname()
	results := healthOf(t, r, hostname)
	if got := checkNames(results); got != "memcg,mounts,pressure" {
		t.Errorf("checks run: %s", got)
	}
	if f := findingFor(results["memcg"], nodecheck.CodeDyingMemcg, ""); f == nil || f.Severity != nodecheck.SeverityError ||
		!strings.Contains(f.Message, "31877") || !strings.Contains(f.Message, "5.15.0-126-generic") || f.Fix == "" {
		t.Errorf("dying memcgs: %+v", f)
	}
	if f := findingFor(results["mounts"], nodecheck.CodeLeakedMounts, gone); f == nil || !strings.Contains(f.Message, "volume-subpaths/data/app/0") {
		t.Errorf("leaked mount: %+v", results["mounts"].Findings)
	}
	oom := findingFor(results["pressure"], nodecheck.CodeOOMKillPod, uid)
	if oom == nil || oom.Namespace != leaseNS || oom.Pod != "web-0" || oom.Owner != healthOwner || oom.DSeq != "777" ||
		!strings.Contains(oom.Message, "node (PID 183960)") {
		t.Errorf("the OOM kill's pod and lease: %+v", oom)
	}
	if f := findingFor(results["pressure"], nodecheck.CodePSIMemory, ""); f == nil || f.Severity != nodecheck.SeverityError {
		t.Errorf("memory pressure: %+v", results["pressure"].Findings)
	}

	r = local("--skip", "zombies,pids,kubelet,pressure")
	if got := checkNames(healthOf(t, r, hostname)); got != "certs,gpu,memcg,mounts" { // certs and gpu run, not applicable on this root
		t.Errorf("--skip ran %s", got)
	}
	// The table names the lease.
	r = kubectlAkash(t, c, runOpts{}, "node-debug", "health", "--local", "--host-root", host, "--proc-root", proc, "--kernel-log", "/var/log/kern.log", "--checks", "pressure")
	if r.code != cli.ExitFindings || !strings.Contains(r.stdout, leaseNS+"/web-0") || !strings.Contains(r.stdout, healthOwner+"/777") {
		t.Errorf("table: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// requestCounter counts API requests as "VERB resource": LIST when a GET
// names no object, nodes/proxy for the node proxy.
type requestCounter struct {
	mu sync.Mutex
	n  map[string]int
}

// countingTransport counts each request it passes on.
type countingTransport struct {
	next    http.RoundTripper
	counter *requestCounter
}

func (ct *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	ct.counter.count(r)
	return ct.next.RoundTrip(r)
}

func (rc *requestCounter) count(r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	verb, what := r.Method, ""
	// /api/v1/[namespaces/NS/]RESOURCE[/NAME[/SUB...]]
	if len(parts) >= 3 && parts[0] == "api" {
		rest := parts[2:]
		if len(rest) >= 3 && rest[0] == "namespaces" {
			rest = rest[2:]
		}
		what = rest[0]
		switch {
		case len(rest) == 1 && r.Method == http.MethodGet && r.URL.Query().Get("watch") == "true":
			verb = "WATCH"
		case len(rest) == 1 && r.Method == http.MethodGet:
			verb = "LIST"
		case len(rest) >= 3:
			what += "/" + rest[2]
		}
	}
	rc.mu.Lock()
	if rc.n == nil {
		rc.n = map[string]int{}
	}
	rc.n[verb+" "+what]++
	rc.mu.Unlock()
}

func (rc *requestCounter) summary() string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for k, v := range rc.n {
		out = append(out, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// A node that is not there is its own row with the reason and exit 1; no
// debug pod is created for it, and an unknown check name stops the command
// before it reads anything.
func TestNodeDebugHealthMissingNodeAndUnknownCheck(t *testing.T) {
	c := cluster.Get(t)
	ns := c.Namespace(t, "health-missing")
	r := kubectlAkash(t, c, runOpts{}, "node-debug", "health", "no-such-node", "--debug-namespace", ns, "-o", "json")
	if r.code != cli.ExitFailure {
		t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	items := listItems[nodecheck.Health](t, nodecheck.Kind+"List", r.stdout, r.stderr)
	if len(items) != 1 || items[0].Name != "no-such-node" || !strings.Contains(items[0].Status.Error, `node "no-such-node" not found`) {
		t.Errorf("items: %+v", items)
	}
	noDebugPods(t, c, ns)

	r = kubectlAkash(t, c, runOpts{}, "node-debug", "health", "no-such-node", "--checks", "pids,nosuch", "--debug-namespace", ns)
	if r.code != cli.ExitFailure || r.stdout != "" || !strings.Contains(r.stderr, "unknown node check(s) nosuch") {
		t.Errorf("unknown check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
