package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

// parkedRig is a real busybox static pod and the `certs renew` arguments
// that renew a tree the real kubeadm wrote (renewTree) and restart the pod
// on the real node.
type parkedRig struct {
	c                         *cluster.Cluster
	debugNS, podNS            string
	name, mirror              string
	manifest, parked, backups string
	container                 string
	args                      []string
}

func newParkedRig(t *testing.T, c *cluster.Cluster, node, prefix string) *parkedRig {
	t.Helper()
	r := &parkedRig{c: c, debugNS: c.Namespace(t, prefix+"-debug"), podNS: c.Namespace(t, prefix+"-static")}
	root, renew := renewTree(t, c)
	r.backups = filepath.Join(root, "backups")
	name, dir := staticPod(t, c, r.podNS, r.backups)
	r.name, r.mirror = name, name+"-"+node
	r.manifest = filepath.Join(dir, name+".yaml")
	r.parked = filepath.Join(r.backups, "parked-manifests", name+".yaml")
	r.container = mirrorReady(t, c, r.podNS, r.mirror, 90*time.Second, nil).Status.ContainerStatuses[0].ContainerID
	// --node is the deprecated alias of NODE...: this rig keeps it in use.
	r.args = append(renew, "--node", node, "--image", c.AgentImage,
		"--debug-namespace", r.debugNS, "--static-pod-dir", dir, "--static-pods", name, "--static-pod-namespace", r.podNS,
		"--backup-dir", r.backups, "-o", "json")
	return r
}

// whenParked calls f once the manifest has left the static-pod dir for the
// parked copy (within bound); it returns whether that was seen.
func (r *parkedRig) whenParked(bound time.Duration, f func()) <-chan bool {
	seen := make(chan bool, 1)
	go func() {
		deadline := time.Now().Add(bound)
		for time.Now().Before(deadline) {
			if fileExists(r.parked) && !fileExists(r.manifest) {
				time.Sleep(2 * time.Second) // well inside the out-period
				f()
				seen <- true
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		seen <- false
	}()
	return seen
}

// comesBack asserts, with no further command, that the manifest is back in
// the static-pod dir within bound and the static pod Ready again with a new
// container.
func (r *parkedRig) comesBack(t *testing.T, bound time.Duration) {
	t.Helper()
	eventually(t, bound, func(context.Context) (bool, string, error) {
		if fileExists(r.manifest) {
			return true, "", nil
		}
		return false, "the manifest is not back in the static-pod dir (parked copy there: " + yesNo(fileExists(r.parked)) + ")", nil
	})
	mirrorReady(t, r.c, r.podNS, r.mirror, 90*time.Second, func(p *corev1.Pod) (bool, string) {
		return p.Status.ContainerStatuses[0].ContainerID != r.container, "still the old container"
	})
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// noGuardian asserts that no process of a restart is left on the node.
func noGuardian(t *testing.T, bound time.Duration) {
	t.Helper()
	eventually(t, bound, func(context.Context) (bool, string, error) {
		procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
		for _, p := range procs {
			b, err := os.ReadFile(p)
			if err != nil {
				continue
			}
			// The step agent's command line carries its step in --options.
			restart := bytes.Contains(b, []byte(`"step":"restart-static-pod"`)) || bytes.Contains(b, []byte(`"step":"guard"`))
			if bytes.Contains(b, []byte("\x00certs-renew\x00")) && restart {
				return false, "still running: " + strings.ReplaceAll(string(b), "\x00", " ") + " (" + filepath.Dir(p) + ")", nil
			}
		}
		return true, "", nil
	})
}

// Ctrl-C while a static pod's manifest is parked: the node still puts it
// back and the component comes back, with no further command; nothing
// after the restart starts, and no debug pod is left.
func TestCertsRenewInterruptedRestartPutsManifestBack(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	r := newParkedRig(t, c, node, "certs-int")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	parked := r.whenParked(90*time.Second, cancel)
	began := time.Now()
	res := kubectlAkash(t, c, runOpts{ctx: ctx}, append(r.args, "--out-period", "25s", "--yes")...)
	t.Logf("exit %d after %s\nstderr:\n%s", res.code, time.Since(began).Round(time.Second), res.stderr)
	if !<-parked {
		t.Fatalf("the manifest was never seen parked\n%s", res.stdout)
	}
	if res.code == 0 {
		t.Errorf("exit 0 after an interrupt")
	}
	r.comesBack(t, 90*time.Second)
	// The executor lets the restart in flight finish (the node puts the
	// manifest back at the end of its window) and starts nothing after it.
	if res.code != 130 || !strings.Contains(res.stderr, "not started") {
		t.Errorf("the interrupt must let the running restart finish and start nothing new (exit 130):\n%s", res.stderr)
	}
	noGuardian(t, 30*time.Second)
	noDebugPods(t, c, r.debugNS)
}

// The debug pod deleted at once (grace 0, the container killed through its
// cgroup) while the manifest is parked, as a vanished client or an operator
// cleaning up would: the node still puts the manifest back.
func TestCertsRenewRestartSurvivesDebugPodDeletion(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	r := newParkedRig(t, c, node, "certs-del")
	parked := r.whenParked(90*time.Second, func() {
		for _, p := range debugPods(t, c, r.debugNS) {
			err := c.Kube().CoreV1().Pods(r.debugNS).Delete(context.Background(), p.Name, metav1.DeleteOptions{GracePeriodSeconds: new(int64)})
			if err != nil {
				t.Errorf("deleting %s: %v", p.Name, err)
			}
		}
	})
	res := kubectlAkash(t, c, runOpts{}, append(r.args, "--out-period", "25s", "--stop-timeout", "30s", "--yes")...)
	t.Logf("exit %d\nstderr:\n%s", res.code, res.stderr)
	if !<-parked {
		t.Fatalf("the manifest was never seen parked\n%s", res.stdout)
	}
	r.comesBack(t, 90*time.Second)
	// It survived because it had left the pod's cgroups, which its status says.
	var st certs.GuardStatus
	b, err := os.ReadFile(filepath.Join(r.backups, "parked-manifests", "."+r.name+".guard.json"))
	if err == nil {
		err = json.Unmarshal(b, &st)
	}
	if err != nil || !strings.Contains(st.Detached, "moved to the host's root cgroup") || st.Phase != "done" || st.Error != "" {
		t.Errorf("guardian status %+v (%v)", st, err)
	}
	t.Logf("guardian: %s; %s", st.Detached, st.Message)
	noGuardian(t, 30*time.Second)
	eventually(t, 30*time.Second, func(context.Context) (bool, string, error) {
		return len(debugPods(t, c, r.debugNS)) == 0, "debug pod still there", nil
	})
}

// stepRestoreParked is the step that reports a left-over parked manifest
// put back.
const stepRestoreParked = "restore-parked-manifest"

// A manifest left parked by an earlier run (no process works on it any
// more): the next run puts it back before anything else, even a dry run,
// and reports it as a step of its own.
func TestCertsRenewRestoresLeftOverParkedManifest(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	r := newParkedRig(t, c, node, "certs-left")
	if err := os.MkdirAll(filepath.Dir(r.parked), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(r.manifest, r.parked); err != nil {
		t.Fatal(err)
	}
	eventually(t, 90*time.Second, func(ctx context.Context) (bool, string, error) {
		_, err := c.Kube().CoreV1().Pods(r.podNS).Get(ctx, r.mirror, metav1.GetOptions{})
		return err != nil, "the kubelet still runs the static pod", nil
	})

	res := kubectlAkash(t, c, runOpts{}, append(r.args, "--dry-run=client")...).ok(t)
	var ren certs.Renewal
	if err := json.Unmarshal([]byte(res.stdout), &ren); err != nil {
		t.Fatalf("%v\n%s", err, res.stdout)
	}
	if len(ren.Status.Steps) == 0 {
		t.Fatalf("no steps:\n%s", res.stdout)
	}
	first := ren.Status.Steps[0]
	if string(first.Verb) != stepRestoreParked || first.Component != r.name || first.Result != execute.Succeeded || first.Target.Name != r.manifest {
		t.Errorf("first step %s %s %s %s (%s), want %s of %s Succeeded", first.Verb, first.Component, first.Target.Name, first.Result, first.Message, stepRestoreParked, r.name)
	}
	restart := false
	for _, s := range ren.Status.Steps[1:] {
		if string(s.Verb) == stepRestoreParked {
			t.Errorf("a second restore: %s %s", s.Component, s.Message)
		}
		if s.Verb == certs.StepRestart && s.Component == r.name {
			restart = s.Result == execute.DryRun
		}
	}
	if !restart {
		t.Errorf("the restored component's restart is not planned:\n%s", res.stdout)
	}
	if fileExists(r.parked) || !fileExists(r.manifest) {
		t.Errorf("the manifest is not back (parked copy there: %s)", yesNo(fileExists(r.parked)))
	}
	r.comesBack(t, 10*time.Second)

	// Nothing left parked: a second run restores nothing.
	res = kubectlAkash(t, c, runOpts{}, append(r.args, "--dry-run=client")...).ok(t)
	if strings.Contains(res.stdout, stepRestoreParked) {
		t.Errorf("restored again:\n%s", res.stdout)
	}
	noDebugPods(t, c, r.debugNS)
}
