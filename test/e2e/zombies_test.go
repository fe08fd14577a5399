package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/zombies"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

// zombieParentOf decodes a node-debug zombies JSON list and returns the
// parent whose pod has uid, or nil.
func zombieParentOf(t *testing.T, r result, node, uid string) *zombies.Parent {
	t.Helper()
	var l zombies.List
	if err := json.Unmarshal([]byte(r.stdout), &l); err != nil || l.Kind != zombies.Kind+"List" {
		t.Fatalf("not a %sList (%v)\nstdout:\n%s\nstderr:\n%s", zombies.Kind, err, r.stdout, r.stderr)
	}
	for _, rep := range l.Items {
		if rep.Status.Node != node {
			continue
		}
		if rep.Status.Error != "" {
			t.Fatalf("node %s: %s", node, rep.Status.Error)
		}
		for i := range rep.Status.Parents {
			if p := &rep.Status.Parents[i]; p.Pod != nil && p.Pod.UID == uid {
				return p
			}
		}
	}
	return nil
}

// A workload on the real kubelet leaves a zombie the way tenant images do:
// the container's init starts a shell that starts `sleep 1` and becomes
// `sleep 600`, which never waits. node-debug zombies, through a real debug
// pod, finds it and names the pod, container and lease. --kill then shows
// the kernel's rules on a real container: SIGTERM kills the worker, the
// zombies go to the container's init (a plain sleep, which does not reap
// either), and only SIGKILL of that init — a container restart, refused
// without --allow-container-restart — clears them.
func TestNodeDebugZombiesRealNode(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	ctx := context.Background()
	ns := c.Namespace(t, "zombies")
	owner, provider := "akash1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3c9h", "akash1nxq8gmsw2vlz3m68qvyvcf3kh6q269ajvqw6y0"
	nsObj, err := c.Kube().CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range akash.LeaseLabels(akash.LeaseID{Owner: owner, DSeq: 8438017, GSeq: 1, OSeq: 1, Provider: provider}) {
		nsObj.Labels[k] = v
	}
	if _, err := c.Kube().CoreV1().Namespaces().Update(ctx, nsObj, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	uid := leakyPod(t, c, node, ns, "leaky")

	scan := func(extra ...string) result {
		args := append([]string{"node-debug", "zombies", node, "--image", c.AgentImage, "--debug-namespace", ns, "-o", "json"}, extra...)
		return kubectlAkash(t, c, runOpts{}, args...)
	}

	// 1. Found, named, attributed; exit 3.
	var p *zombies.Parent
	var r result
	eventually(t, 90*time.Second, func(context.Context) (bool, string, error) {
		r = scan()
		p = zombieParentOf(t, r, node, uid)
		return p != nil && p.Zombies >= 1, r.stdout + r.stderr, nil
	})
	if r.code != 3 {
		t.Errorf("zombies found: exit %d, want 3", r.code)
	}
	if p.Pod.Namespace != ns || p.Pod.Name != "leaky" || p.Pod.Container != "web" || p.Pod.LeaseOwner != owner || p.Pod.LeaseDSeq != "8438017" {
		t.Errorf("attribution %+v", p.Pod)
	}
	if p.Command != "sleep" || p.ContainerInit || p.CatchesSIGCHLD || p.ShimPID == 0 {
		t.Errorf("the worker sleep: %+v", p)
	}
	if p.Pids == nil || p.Pids.Error != "" || p.Pids.Current < 3 {
		t.Errorf("pod pids cgroup: %+v", p.Pids)
	}
	noDebugPods(t, c, ns)

	// 2. A dry run sends nothing and says what would be sent.
	r = scan("--kill", "--dry-run=client")
	if dp := zombieParentOf(t, r, node, uid); dp == nil || dp.Action == nil || dp.Action.Result != execute.DryRun || !strings.Contains(dp.Action.Message, "would send SIGTERM, then SIGKILL") {
		t.Fatalf("dry run: %+v\n%s", dp, r.stderr)
	}
	if again := zombieParentOf(t, scan(), node, uid); again == nil || again.PID != p.PID {
		t.Fatalf("the dry run changed something: %+v", again)
	}

	// 3. --kill: SIGTERM kills the worker; its zombie (and the worker
	// itself) now belong to the container's init, which does not reap:
	// the outcome says so, and which flag would have finished the job.
	r = scan("--kill", "--yes", "--grace=3s")
	kp := zombieParentOf(t, r, node, uid)
	if kp == nil || kp.Action == nil || kp.Action.Result != execute.Failed || !strings.Contains(kp.Action.Message, "sent SIGTERM") ||
		!strings.Contains(kp.Action.Message, "(sleep, the container's init), which does not reap them: --allow-container-restart would SIGKILL that init") {
		t.Fatalf("kill of the worker: exit %d %s\n%s", r.code, describe(kp), r.stderr)
	}
	if r.code != 1 {
		t.Errorf("a kill that did not clear its zombies: exit %d, want 1", r.code)
	}
	noDebugPods(t, c, ns)

	// 4. Now the container's init holds the zombies; without permission to
	// restart the container nothing can make it reap.
	r = scan("--kill", "--yes", "--grace=3s")
	ip := zombieParentOf(t, r, node, uid)
	if ip == nil || !ip.ContainerInit || ip.Zombies < 2 || ip.Action == nil || ip.Action.Result != execute.Skipped || !strings.Contains(ip.Action.Message, "--allow-container-restart") {
		t.Fatalf("init without permission: %+v\n%s", ip, r.stderr)
	}

	// 5. With it: SIGKILL of the init, the container restarts, zombies gone.
	r = scan("--kill", "--yes", "--grace=10s", "--allow-container-restart")
	ip = zombieParentOf(t, r, node, uid)
	if ip == nil || ip.Action == nil || ip.Action.Result != execute.Succeeded || !strings.Contains(ip.Action.Message, "reaped after SIGKILL") {
		t.Fatalf("init with --allow-container-restart: %+v\n%s", ip, r.stderr)
	}
	waitRestarted(t, c, ns, "leaky")
	noDebugPods(t, c, ns)
}

// describe prints a parent and its action for a failure message.
func describe(p *zombies.Parent) string {
	if p == nil {
		return "<not found>"
	}
	s := fmt.Sprintf("PID %d (%s) start %d zombies %d pod %+v", p.PID, p.Command, p.StartTicks, p.Zombies, p.Pod)
	if p.Action != nil {
		s += fmt.Sprintf(" action %s: %s", p.Action.Result, p.Action.Message)
	}
	return s
}

// leakyPod creates a pod on the real node whose worker (not the
// container's init) leaves a zombie, and whose init (a plain sleep) reaps
// nothing. It returns the pod's UID; the pod is deleted when the test ends.
func leakyPod(t *testing.T, c *cluster.Cluster, node, ns, name string) string {
	t.Helper()
	zero := int64(0)
	pod, err := c.Kube().CoreV1().Pods(ns).Create(context.Background(), &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{akash.LabelManifestService: "web"}},
		Spec: corev1.PodSpec{
			NodeName:                      node,
			Tolerations:                   []corev1.Toleration{{Key: cluster.RealNodeTaintKey, Operator: corev1.TolerationOpExists}},
			TerminationGracePeriodSeconds: &zero,
			Containers: []corev1.Container{{
				Name: "web", Image: cluster.BusyboxImage, ImagePullPolicy: corev1.PullIfNotPresent,
				Command: []string{"sh", "-c", `sh -c "sleep 1 & exec sleep 3600" & exec sleep 3600`},
			}},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = c.Kube().CoreV1().Pods(ns).Delete(context.Background(), name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
	})
	return string(pod.UID)
}

// A pod outside the lease namespaces — here kube-system, where a provider's
// CNI, ingress and static pods run — may hold zombies too. --kill reports
// them but signals nothing there unless the operator names the namespace
// (--namespace) or all of them (--all-namespaces).
func TestNodeDebugZombiesKillSparesNonLeaseNamespaces(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	debugNS := c.Namespace(t, "zombies-system")
	name := "leaky-" + strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	uid := leakyPod(t, c, node, "kube-system", name)

	scan := func(extra ...string) result {
		args := append([]string{"node-debug", "zombies", node, "--image", c.AgentImage, "--debug-namespace", debugNS, "-o", "json"}, extra...)
		return kubectlAkash(t, c, runOpts{}, args...)
	}
	var p *zombies.Parent
	eventually(t, 90*time.Second, func(context.Context) (bool, string, error) {
		r := scan()
		p = zombieParentOf(t, r, node, uid)
		return p != nil && p.Zombies >= 1, r.stdout + r.stderr, nil
	})
	if p.Pod.Namespace != "kube-system" || p.Pod.Name != name || p.Pod.Lease != "" {
		t.Fatalf("attribution %+v", p.Pod)
	}

	// 1. By default: reported, skipped, naming the flag; nothing sent.
	r := scan("--kill", "--yes", "--grace=3s")
	kp := zombieParentOf(t, r, node, uid)
	if kp == nil || kp.Action == nil || kp.Action.Result != execute.Skipped || !strings.Contains(kp.Action.Message, "--namespace kube-system") {
		t.Fatalf("a kube-system pod's zombie parent must be skipped by default: exit %d %s\n%s", r.code, describe(kp), r.stderr)
	}
	t.Logf("default: %s: %s", kp.Action.Result, kp.Action.Message)
	if r.code != 3 {
		t.Errorf("zombies left alone are findings: exit %d, want 3", r.code)
	}
	if again := zombieParentOf(t, scan(), node, uid); again == nil || again.PID != p.PID || again.StartTicks != p.StartTicks || again.Zombies < 1 {
		t.Fatalf("the parent must still be alive and holding its zombies: before %s, now %s", describe(p), describe(again))
	}

	// 2. --all-namespaces admits it (a dry run: nothing sent).
	r = scan("--kill", "--dry-run=client", "--all-namespaces")
	if dp := zombieParentOf(t, r, node, uid); dp == nil || dp.Action == nil || dp.Action.Result != execute.DryRun {
		t.Fatalf("--all-namespaces: %s\n%s", describe(dp), r.stderr)
	}

	// 3. --namespace kube-system admits it: the worker is signalled.
	r = scan("--kill", "--yes", "--grace=3s", "--namespace", "kube-system")
	kp = zombieParentOf(t, r, node, uid)
	if kp == nil || kp.Action == nil || kp.Action.Result == execute.Skipped || !strings.Contains(kp.Action.Message, "sent SIGTERM") {
		t.Fatalf("--namespace kube-system: exit %d %s\n%s", r.code, describe(kp), r.stderr)
	}
	t.Logf("--namespace kube-system: %s: %s", kp.Action.Result, kp.Action.Message)
	noDebugPods(t, c, debugNS)
}

// leakyLeasePod is a leaky pod on the real node in a new lease namespace
// (lease dseq), named after prefix.
func leakyLeasePod(t *testing.T, prefix string, dseq uint64) (c *cluster.Cluster, node, ns, uid string) {
	t.Helper()
	c = cluster.Get(t)
	node = c.NeedRealNode(t)
	ns = c.Namespace(t, prefix)
	labelLease(t, c, ns, dseq)
	return c, node, ns, leakyPod(t, c, node, ns, "leaky")
}

// labelLease makes ns a lease namespace, as the provider labels them.
func labelLease(t *testing.T, c *cluster.Cluster, ns string, dseq uint64) {
	t.Helper()
	ctx := context.Background()
	nsObj, err := c.Kube().CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	id := akash.LeaseID{Owner: "akash1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3c9h", DSeq: dseq, GSeq: 1, OSeq: 1, Provider: "akash1nxq8gmsw2vlz3m68qvyvcf3kh6q269ajvqw6y0"}
	for k, v := range akash.LeaseLabels(id) {
		nsObj.Labels[k] = v
	}
	if _, err := c.Kube().CoreV1().Namespaces().Update(ctx, nsObj, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// With --allow-container-restart one run clears a worker's zombies even
// when its container's init does not reap: killing the worker hands them
// to the init, and the run follows them there (SIGKILL of the init, the
// container restarts) instead of stopping and asking for a second run.
func TestNodeDebugZombiesKillFollowsZombiesToTheInitInOneRun(t *testing.T) {
	c, node, ns, uid := leakyLeasePod(t, "zombies-follow", 8438018)

	scan := func(extra ...string) result {
		args := append([]string{"node-debug", "zombies", node, "--image", c.AgentImage, "--debug-namespace", ns, "-o", "json"}, extra...)
		return kubectlAkash(t, c, runOpts{}, args...)
	}
	p := leaseWorker(t, scan, node, uid)

	r := scan("--kill", "--yes", "--grace=3s", "--allow-container-restart")
	kp := zombieParentOf(t, r, node, uid)
	if kp == nil || kp.PID != p.PID || kp.Action == nil || kp.Action.Result != execute.Succeeded ||
		!strings.Contains(kp.Action.Message, "sent SIGTERM") || !strings.Contains(kp.Action.Message, "following them there") ||
		!strings.Contains(kp.Action.Message, "reaped after SIGKILL to PID") {
		t.Fatalf("one run: exit %d %s\n%s", r.code, describe(kp), r.stderr)
	}
	t.Logf("outcome: %s", kp.Action.Message)
	waitRestarted(t, c, ns, "leaky")
	noDebugPods(t, c, ns)
}

// leaseWorker waits until scan reports the zombie of pod uid's worker on
// node, and returns its parent: the worker of a lease pod, not its init.
func leaseWorker(t *testing.T, scan func(extra ...string) result, node, uid string) *zombies.Parent {
	t.Helper()
	var p *zombies.Parent
	eventually(t, 90*time.Second, func(context.Context) (bool, string, error) {
		r := scan()
		p = zombieParentOf(t, r, node, uid)
		return p != nil && p.Zombies >= 1, r.stdout + r.stderr, nil
	})
	if p.ContainerInit || !p.Pod.LeaseNamespace {
		t.Fatalf("the worker of a lease pod: %s", describe(p))
	}
	return p
}

// waitRestarted waits until a container of pod ns/name has restarted.
func waitRestarted(t *testing.T, c *cluster.Cluster, ns, name string) {
	t.Helper()
	eventually(t, 60*time.Second, func(ctx context.Context) (bool, string, error) {
		got, err := c.Kube().CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, "", err
		}
		for _, s := range got.Status.ContainerStatuses {
			if s.RestartCount >= 1 {
				return true, "", nil
			}
		}
		return false, "container not restarted yet", nil
	})
}

// The kill acts only on the parents the operator confirmed, named by PID
// and start time: when a confirmed parent dies between the plan and the
// kill and its zombies pass to its container's init, nothing is signalled —
// not even the init, although --allow-container-restart would let a kill
// reach it — and the container is not restarted. A server dry run, like a
// client one, starts no kill on the node. What a run costs the API server
// stays constant: one LIST of pods and one of lease namespaces per run,
// however many nodes are killed on.
func TestNodeDebugZombiesKillSignalsOnlyTheConfirmedParents(t *testing.T) {
	c, node, ns, uid := leakyLeasePod(t, "zombies-confirmed", 8438019)

	// onPodCreate, when set, runs before the run's n-th debug pod is
	// created (1: the scan's, 2: the kill's).
	var mu sync.Mutex
	var posts int
	var onPodCreate func(n int)
	calls := &requestCounter{}
	cfg := c.RESTConfig()
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		return &countingTransport{counter: calls, next: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/pods") {
				mu.Lock()
				posts++
				n, hook := posts, onPodCreate
				mu.Unlock()
				if hook != nil {
					hook(n)
				}
			}
			return rt.RoundTrip(r)
		})}
	}
	run := func(extra ...string) result {
		mu.Lock()
		posts = 0
		mu.Unlock()
		calls.mu.Lock()
		calls.n = nil
		calls.mu.Unlock()
		args := append([]string{"node-debug", "zombies", node, "--image", c.AgentImage, "--debug-namespace", ns, "-o", "json"}, extra...)
		return kubectlAkash(t, c, runOpts{config: cfg}, args...)
	}

	p := leaseWorker(t, run, node, uid)

	// 1. A server dry run: one debug pod (the scan's), no kill.
	r := run("--kill", "--yes", "--dry-run=server", "--allow-container-restart")
	if dp := zombieParentOf(t, r, node, uid); dp == nil || dp.Action == nil || dp.Action.Result != execute.DryRun {
		t.Fatalf("--dry-run=server: exit %d %s\n%s", r.code, describe(dp), r.stderr)
	}
	if !strings.Contains(" "+calls.summary()+",", " POST pods 1,") {
		t.Errorf("a server dry run must create only the scan's debug pod: %s", calls.summary())
	}
	if again := zombieParentOf(t, run(), node, uid); again == nil || again.PID != p.PID || again.StartTicks != p.StartTicks {
		t.Fatalf("the server dry run changed something: before %s, now %s", describe(p), describe(again))
	}

	// 2. The confirmed worker dies between the plan and the kill.
	mu.Lock()
	onPodCreate = func(n int) {
		if n == 2 {
			killExactly(t, p.PID, p.StartTicks)
		}
	}
	mu.Unlock()
	r = run("--kill", "--yes", "--grace=3s", "--allow-container-restart")
	mu.Lock()
	onPodCreate = nil
	mu.Unlock()
	t.Logf("kill run, API requests: %s", calls.summary())
	for _, want := range []string{"LIST pods 1", "LIST namespaces 1", "POST pods 2"} {
		if !strings.Contains(" "+calls.summary()+",", " "+want+",") {
			t.Errorf("want %s in one kill run: %s", want, calls.summary())
		}
	}
	ip := zombieParentOf(t, r, node, uid)
	if ip == nil || !ip.ContainerInit || ip.PID == p.PID || ip.Action == nil || ip.Action.Result != execute.Skipped ||
		!strings.Contains(ip.Action.Message, "not in the confirmed plan") {
		t.Fatalf("the init that took the zombies was never confirmed and must be skipped: exit %d %s\n%s", r.code, describe(ip), r.stderr)
	}
	if r.code != 3 {
		t.Errorf("zombies left: exit %d, want 3", r.code)
	}
	pod, err := c.Kube().CoreV1().Pods(ns).Get(context.Background(), "leaky", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range pod.Status.ContainerStatuses {
		if s.RestartCount != 0 {
			t.Errorf("container %s restarted %d time(s): the unconfirmed init was killed", s.Name, s.RestartCount)
		}
	}
	if again := zombieParentOf(t, run(), node, uid); again == nil || again.PID != ip.PID || again.StartTicks != ip.StartTicks {
		t.Errorf("the init must still be alive: before %s, now %s", describe(ip), describe(again))
	}
	noDebugPods(t, c, ns)
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// killExactly SIGKILLs the real node's process pid — this machine's, the
// node runs here — only if it is still the one that started at startTicks,
// and waits until it has exited (its children then belong to its
// container's init).
func killExactly(t *testing.T, pid int, startTicks uint64) {
	t.Helper()
	stat := func() (state string, ticks uint64, ok bool) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return "", 0, false
		}
		// Fields after the command's closing parenthesis: state is the
		// first, starttime the 20th.
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) < 20 {
			return "", 0, false
		}
		ticks, err = strconv.ParseUint(f[19], 10, 64)
		return f[0], ticks, err == nil
	}
	if _, ticks, ok := stat(); !ok || ticks != startTicks {
		t.Errorf("PID %d is not the worker that started at %d (this test sees the node's processes only if it runs on the node): nothing killed", pid, startTicks)
		return
	}
	proc, err := os.FindProcess(pid)
	if err == nil {
		err = proc.Signal(os.Kill)
	}
	if err != nil {
		t.Errorf("kill %d: %v", pid, err)
		return
	}
	for {
		state, ticks, ok := stat()
		if !ok || ticks != startTicks || state == "Z" {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}
