package e2e

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	clientfeatures "k8s.io/client-go/features"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodecheck"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// withoutWatchList makes client-go read as it does against an API server
// without watch-list streams (WatchList off, as on most clusters before
// Kubernetes 1.34): every informer's first read is then a LIST. Restored
// when the test ends.
func withoutWatchList(t *testing.T) {
	t.Helper()
	prev := clientfeatures.FeatureGates()
	clientfeatures.ReplaceFeatureGates(noWatchList{prev})
	t.Cleanup(func() { clientfeatures.ReplaceFeatureGates(prev) })
}

type noWatchList struct{ clientfeatures.Gates }

func (g noWatchList) Enabled(f clientfeatures.Feature) bool {
	return f != clientfeatures.WatchListClient && g.Gates.Enabled(f)
}

// fanOutLists are the only LISTs `node-debug health` may send, however
// many nodes it checks: the nodes, every pod, the lease namespaces.
var fanOutLists = map[string]int{"LIST nodes": 1, "LIST pods": 1, "LIST namespaces": 1}

// checkFanOutRequests fails unless counts are the fan-out's constant LISTs
// plus, for each of n nodes, one pod created, watched and deleted and at
// least one exec.
func checkFanOutRequests(t *testing.T, what string, n int, counts map[string]int) {
	t.Helper()
	var keys []string
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := fanOutLists[k]; !ok && strings.HasPrefix(k, "LIST ") {
			t.Errorf("%s: %d × %s, want %d: %v", what, counts[k], k, fanOutLists[k], counts)
		}
	}
	for k, want := range fanOutLists {
		if counts[k] != want {
			t.Errorf("%s: %d × %s, want %d: %v", what, counts[k], k, want, counts)
		}
	}
	for _, k := range []string{"CREATE pods", "WATCH pods", "DELETE pods"} {
		if counts[k] != n {
			t.Errorf("%s: %d × %s, want one per node (%d): %v", what, counts[k], k, n, counts)
		}
	}
	if exec := counts["GET pods/exec"] + counts["CREATE pods/exec"]; exec < n {
		t.Errorf("%s: %d exec requests for %d nodes: %v", what, exec, n, counts)
	}
}

// The fan-out over kwok nodes (they run no containers, so each node's exec
// fails after its debug pod was created, seen Running and deleted): the
// LISTs are the same three for one node and for every node, and each node
// costs one pod create, one watch and one delete — also when client-go
// falls back from watch-list streams to LISTs, as against older servers.
func TestNodeDebugFanOutListsOncePerRun(t *testing.T) {
	c := cluster.Get(t)
	if c.Nodes < 2 {
		t.Fatalf("the cluster has %d kwok nodes; the fan-out needs at least 2", c.Nodes)
	}
	ns := c.Namespace(t, "fanout")
	withoutWatchList(t)
	var kwok []string
	for i := 0; i < c.Nodes; i++ {
		kwok = append(kwok, "kwok-node-"+strconv.Itoa(i))
	}
	for _, nodes := range [][]string{kwok[:1], kwok} {
		cfg, counter := c.CountingConfig()
		args := append(append([]string{"node-debug", "health"}, nodes...),
			"--checks", "zombies", "--image", cluster.AgentImageRef, "--debug-namespace", ns, "--pod-timeout", "1m", "-o", "json")
		r := kubectlAkash(t, c, runOpts{config: cfg}, args...)
		if r.code != cli.ExitFailure {
			t.Fatalf("exit %d, want 1 (kwok nodes cannot exec)\n%s%s", r.code, r.stdout, r.stderr)
		}
		items := listItems[nodecheck.Health](t, nodecheck.Kind+"List", r.stdout, r.stderr)
		if len(items) != len(nodes) {
			t.Fatalf("%d items for %d nodes\n%s", len(items), len(nodes), r.stdout)
		}
		for _, h := range items {
			// The pod ran (kwok says Running) and the exec was tried: the
			// error is the exec's, not the pod's start.
			if !strings.Contains(h.Status.Error, "exec") {
				t.Errorf("node %s: %q, want an exec error", h.Name, h.Status.Error)
			}
		}
		checkFanOutRequests(t, fmt.Sprintf("%d kwok nodes", len(nodes)), len(nodes), counter.Counts())
		noDebugPods(t, c, ns)
	}
}

// On the real node, with client-go reading as against a server without
// watch-list: the three LISTs, and for the node one debug pod created,
// watched until Running, exec'ed into and deleted, plus one configz GET.
func TestNodeDebugFanOutRealNodeRequests(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	ns := c.Namespace(t, "fanout-real")
	withoutWatchList(t)
	cfg, counter := c.CountingConfig()
	r := kubectlAkash(t, c, runOpts{config: cfg}, "node-debug", "health", node, "--checks", "pids,kubelet",
		"--image", c.AgentImage, "--debug-namespace", ns, "-o", "json")
	if r.code == cli.ExitFailure {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := checkNames(healthOf(t, r, node)); got != "kubelet,pids" {
		t.Errorf("checks run: %s", got)
	}
	counts := counter.Counts()
	checkFanOutRequests(t, "the real node", 1, counts)
	if counts["GET nodes/proxy/configz"] != 1 {
		t.Errorf("%d configz GETs, want 1: %v", counts["GET nodes/proxy/configz"], counts)
	}
	noDebugPods(t, c, ns)
}

// TestDoctorNodeChecksListPodsOnce: doctor with node checks and a lease-pod
// check wants every pod (to name the pods on nodes) and the lease pods: one
// LIST of pods serves both, and the lease pods it finds are the lease
// pods a LIST of their own would have found.
func TestDoctorNodeChecksListPodsOnce(t *testing.T) {
	c := cluster.Get(t)
	ns, leaseNS := c.Namespace(t, "doctor-fanout"), c.Namespace(t, "lease")
	l := fixture.NewLease(t.Name(), 8438120, fixture.Web("nginx"))
	seedLeases(t, c, leaseNS, []fixture.Lease{l}, []fixture.Options{{NoWorkloads: true}})
	failedPod(t, c, l.Namespace(), "dead", corev1.PodFailed, "", time.Now().Add(-time.Hour))
	cfg, counter := c.CountingConfig()
	r := kubectlAkash(t, c, runOpts{config: cfg}, "doctor", "kwok-node-0", "--checks", "zombies,failed-pods", "--lease-namespace", leaseNS,
		"--image", cluster.AgentImageRef, "--debug-namespace", ns, "--pod-timeout", "1m", "-o", "json")
	if r.code == 0 {
		t.Fatalf("exit 0, want findings or the kwok node's failure\n%s%s", r.stdout, r.stderr)
	}
	rep := decodeDoctor(t, r)
	if n := failedPodsIn(rep.Status, l.Namespace()); n != 1 {
		t.Errorf("failed-pods found %d failed lease pods in %s, want the one: %+v", n, l.Namespace(), checkOf(t, rep, "failed-pods"))
	}
	counts := counter.Counts()
	if counts["LIST pods"] != 1 {
		t.Errorf("%d LISTs of pods for every pod and the lease pods, want 1: %v", counts["LIST pods"], counts)
	}
	noDebugPods(t, c, ns)
}
