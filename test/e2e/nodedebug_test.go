package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodeinfo"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

// debugPods lists the debug pods in ns (every node).
func debugPods(t *testing.T, c *cluster.Cluster, ns string) []corev1.Pod {
	t.Helper()
	l, err := c.Kube().CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{
		LabelSelector: nodedebug.LabelManagedBy + "=" + nodedebug.ManagedBy})
	if err != nil {
		t.Fatalf("listing debug pods: %v", err)
	}
	return l.Items
}

func noDebugPods(t *testing.T, c *cluster.Cluster, ns string) {
	t.Helper()
	if pods := debugPods(t, c, ns); len(pods) > 0 {
		var names []string
		for _, p := range pods {
			names = append(names, p.Name)
		}
		t.Fatalf("debug pods left in %s: %v", ns, names)
	}
}

func decodeInfo(t *testing.T, r result) map[string]nodeinfo.NodeInfo {
	t.Helper()
	out := map[string]nodeinfo.NodeInfo{}
	for _, n := range listItems[nodeinfo.NodeInfo](t, "NodeInfoList", r.stdout, r.stderr) {
		out[n.Name] = n
	}
	return out
}

func readTrimmed(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// The whole fleet path on a real kubelet: pod created, Running, exec'ed, JSON
// back, pod deleted. The agent's facts are this machine's own.
func TestNodeDebugInfoRealNode(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	ns := c.Namespace(t, "node-debug-info")

	r := kubectlAkash(t, c, runOpts{}, "node-debug", "info", node, "--image", c.AgentImage, "--debug-namespace", ns, "-o", "json").ok(t)
	info := decodeInfo(t, r)[node]
	if info.Status.Error != "" {
		t.Fatalf("node %s: %s", node, info.Status.Error)
	}
	if want := readTrimmed(t, "/proc/sys/kernel/osrelease"); info.Status.KernelRelease != want {
		t.Errorf("kernelRelease %q, want this machine's %q", info.Status.KernelRelease, want)
	}
	if want := readTrimmed(t, "/proc/sys/kernel/pid_max"); want != "" && info.Status.PIDMax == 0 {
		t.Errorf("pidMax not read (machine has %s)", want)
	}
	if info.Status.Processes < 5 {
		t.Errorf("processes = %d: the agent does not see the host's /proc", info.Status.Processes)
	}
	if !strings.Contains(strings.Join(info.Status.Daemons, ","), "kubelet") {
		t.Errorf("daemons %v: the host's kubelet is not seen (hostPID?)", info.Status.Daemons)
	}
	noDebugPods(t, c, ns)

	// The table: one row for the node, no error column text.
	r = kubectlAkash(t, c, runOpts{}, "node-debug", "info", node, "--image", c.AgentImage, "--debug-namespace", ns).ok(t)
	if !strings.Contains(r.stdout, "KERNEL") || !strings.Contains(r.stdout, info.Status.KernelRelease) {
		t.Errorf("table:\n%s", r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("stderr is not a terminal, yet got:\n%s", r.stderr)
	}
	noDebugPods(t, c, ns)
}

// --all reaches every node in one list: the real node answers; the kwok
// nodes (no kubelet to exec through) and a NotReady node are reported with
// their reasons; a missing node named explicitly is reported too.
func TestNodeDebugInfoAllReportsFailuresPerNode(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	ns := c.Namespace(t, "node-debug-all")
	notReady := "e2e-notready-" + rand.String(5)
	_, err := c.Kube().CoreV1().Nodes().Create(context.Background(), &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: notReady, Labels: map[string]string{"e2e": "node-debug"}},
		Spec:       corev1.NodeSpec{Taints: []corev1.Taint{{Key: "e2e", Value: "notready", Effect: corev1.TaintEffectNoSchedule}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Kube().CoreV1().Nodes().Delete(context.Background(), notReady, metav1.DeleteOptions{}) })

	began := time.Now()
	r := kubectlAkash(t, c, runOpts{}, "node-debug", "info", "--all", "--image", c.AgentImage,
		"--debug-namespace", ns, "--pod-timeout", "20s", "-o", "json")
	t.Logf("--all over %d kwok nodes + the real node + a NotReady node took %s", c.Nodes, time.Since(began).Round(time.Millisecond))
	if r.code != cli.ExitFailure {
		t.Fatalf("exit %d, want 1 (some nodes failed)\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	got := decodeInfo(t, r)
	if e := got[node].Status.Error; e != "" || got[node].Status.KernelRelease == "" {
		t.Errorf("real node %s: error %q, kernel %q", node, e, got[node].Status.KernelRelease)
	}
	for i := 0; i < c.Nodes; i++ {
		kwok := "kwok-node-" + strconv.Itoa(i)
		if got[kwok].Status.Error == "" {
			t.Errorf("%s: no error reported for a node that runs no containers: %+v", kwok, got[kwok])
		}
	}
	if e := got[notReady].Status.Error; !strings.Contains(e, "NotReady") {
		t.Errorf("%s: error %q, want NotReady", notReady, e)
	}
	if len(got) != c.Nodes+2 {
		t.Errorf("%d items, want %d (every node)", len(got), c.Nodes+2)
	}
	noDebugPods(t, c, ns)

	r = kubectlAkash(t, c, runOpts{}, "node-debug", "info", node, "no-such-node", "--image", c.AgentImage, "--debug-namespace", ns, "-o", "json")
	got = decodeInfo(t, r)
	if r.code != 1 || !strings.Contains(got["no-such-node"].Status.Error, "not found") || got[node].Status.Error != "" {
		t.Errorf("exit %d, items %+v", r.code, got)
	}
	noDebugPods(t, c, ns)
}

// A pod that cannot start (the image is not on the node and IfNotPresent
// cannot pull it from a registry that does not exist) is reported with the
// reason, within --pod-timeout, and deleted.
func TestNodeDebugPodThatCannotStart(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	ns := c.Namespace(t, "node-debug-nostart")
	r := kubectlAkash(t, c, runOpts{}, "node-debug", "info", node, "--image", "127.0.0.1:9/missing/image:none",
		"--debug-namespace", ns, "--pod-timeout", "30s", "-o", "json")
	got := decodeInfo(t, r)
	e := got[node].Status.Error
	if r.code != 1 || !strings.Contains(e, "debug pod") || !(strings.Contains(e, "Image") || strings.Contains(e, "image")) {
		t.Errorf("exit %d, error %q: want the pod's image problem", r.code, e)
	}
	noDebugPods(t, c, ns)
}

// Pod Security admission: a namespace enforcing baseline refuses the debug
// pod, and the message says which label to set or which namespace to use.
func TestNodeDebugPodSecurityRejection(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	ns := c.Namespace(t, "node-debug-psa")
	nsObj, err := c.Kube().CoreV1().Namespaces().Get(context.Background(), ns, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	nsObj.Labels["pod-security.kubernetes.io/enforce"] = "baseline"
	if _, err := c.Kube().CoreV1().Namespaces().Update(context.Background(), nsObj, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	r := kubectlAkash(t, c, runOpts{}, "node-debug", "info", node, "--image", c.AgentImage, "--debug-namespace", ns)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"Pod Security", "pod-security.kubernetes.io/enforce=privileged", "--debug-namespace"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output does not say %q:\n%s", want, r.stdout)
		}
	}
	noDebugPods(t, c, ns)
}

// whenDebugPod calls f once a debug pod in ns reaches phase (or any phase
// when phase is ""), polling the API; it gives up after a minute.
func whenDebugPod(t *testing.T, c *cluster.Cluster, ns string, phase corev1.PodPhase, f func()) {
	go func() {
		deadline := time.Now().Add(time.Minute)
		for time.Now().Before(deadline) {
			l, err := c.Kube().CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{
				LabelSelector: nodedebug.LabelManagedBy + "=" + nodedebug.ManagedBy})
			if err == nil {
				for _, p := range l.Items {
					if phase == "" || p.Status.Phase == phase {
						f()
						return
					}
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
}

// Ctrl-C (the command's context cancelled) while the pod starts, and while a
// command runs in it: the command returns promptly and the pod is deleted.
func TestNodeDebugCancelDeletesPod(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	ns := c.Namespace(t, "node-debug-cancel")

	t.Run("while the pod starts", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		var at atomic.Int64
		whenDebugPod(t, c, ns, "", func() { at.Store(time.Now().UnixNano()); cancel() })
		r := kubectlAkash(t, c, runOpts{ctx: ctx}, "node-debug", "info", node, "--image", c.AgentImage, "--debug-namespace", ns, "-o", "json")
		ended := time.Now()
		cancelled := time.Unix(0, at.Load())
		if at.Load() == 0 {
			if r.code != 0 {
				t.Fatalf("the command failed before the test saw its pod: exit %d\n%s", r.code, r.stderr)
			}
			t.Skip("the command finished before the test saw its pod: nothing to interrupt")
		}
		if d := ended.Sub(cancelled); d > 10*time.Second {
			t.Errorf("the command returned %s after the cancel", d)
		}
		if r.code == 0 {
			t.Errorf("exit 0 after an interrupt:\n%s", r.stdout)
		}
		noDebugPods(t, c, ns)
	})

	t.Run("while a command runs", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		var at atomic.Int64
		whenDebugPod(t, c, ns, corev1.PodRunning, func() {
			time.Sleep(500 * time.Millisecond) // let the exec start
			at.Store(time.Now().UnixNano())
			cancel()
		})
		r := kubectlAkash(t, c, runOpts{ctx: ctx}, "node-debug", "shell", node, "--image", c.AgentImage, "--debug-namespace", ns, "--", "sleep", "60")
		ended := time.Now()
		cancelled := time.Unix(0, at.Load())
		if at.Load() == 0 {
			t.Fatalf("the pod never ran: exit %d\n%s", r.code, r.stderr)
		}
		if d := ended.Sub(cancelled); d > 10*time.Second {
			t.Errorf("the command returned %s after the cancel", d)
		}
		noDebugPods(t, c, ns)
	})
}

// The real binary, SIGTERM'ed while its shell runs: the pod is still deleted.
func TestNodeDebugSIGTERMDeletesPod(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	ns := c.Namespace(t, "node-debug-sigterm")
	bin := pluginBinary(t, c)
	p := exec.Command(bin, "--kubeconfig", c.Kubeconfig, "node-debug", "shell", node, "--image", c.AgentImage, "--debug-namespace", ns, "--", "sleep", "60")
	var out bytes.Buffer
	p.Stdout, p.Stderr = &out, &out
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	running := make(chan struct{})
	whenDebugPod(t, c, ns, corev1.PodRunning, func() { close(running) })
	select {
	case <-running:
	case <-time.After(time.Minute):
		_ = p.Process.Kill()
		t.Fatalf("the debug pod never ran:\n%s", out.String())
	}
	time.Sleep(500 * time.Millisecond)
	if err := p.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = p.Process.Kill()
		t.Fatalf("still running 20s after SIGTERM:\n%s", out.String())
	}
	noDebugPods(t, c, ns)
}

// The shell, fed by a pipe: it runs in the host's namespaces (same hostname,
// same mount namespace as this test), as root, and its exit code comes back.
func TestNodeDebugShell(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	ns := c.Namespace(t, "node-debug-shell")
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	mnt, err := os.Readlink("/proc/self/ns/mnt")
	if err != nil {
		t.Fatal(err)
	}
	r := kubectlAkash(t, c, runOpts{stdin: "echo host=$(hostname); echo mnt=$(readlink /proc/self/ns/mnt); echo uid=$(id -u); exit 7\n"},
		"node-debug", "shell", node, "--image", c.AgentImage, "--debug-namespace", ns)
	if r.code != 7 {
		t.Errorf("exit %d, want the shell's 7\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"host=" + host, "mnt=" + mnt, "uid=0"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("shell output lacks %q:\n%s\nstderr:\n%s", want, r.stdout, r.stderr)
		}
	}
	noDebugPods(t, c, ns)

	// A command instead of a shell.
	r = kubectlAkash(t, c, runOpts{}, "node-debug", "shell", node, "--image", c.AgentImage, "--debug-namespace", ns, "--", "cat", "/proc/sys/kernel/osrelease").ok(t)
	if want := readTrimmed(t, "/proc/sys/kernel/osrelease"); strings.TrimSpace(r.stdout) != want {
		t.Errorf("got %q, want %q", r.stdout, want)
	}
	noDebugPods(t, c, ns)
}
