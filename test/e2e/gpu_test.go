package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

func decodeGPU(t *testing.T, r result) map[string]gpu.GPUNode {
	t.Helper()
	out := map[string]gpu.GPUNode{}
	for _, n := range listItems[gpu.GPUNode](t, gpu.ListKind, r.stdout, r.stderr) {
		out[n.Name] = n
	}
	return out
}

// The fleet path on the real node, which has no GPU: --all first selects
// nothing; once the node carries an Akash GPU label it is selected, the
// agent runs in a debug pod and reads the host's kernel log file through
// /host (a critical Xid the test wrote), nvidia-smi is reported missing, and
// the cluster side finds a device plugin DaemonSet by its image in a
// namespace of its own, with its pod on the node not Ready. Exit 3.
func TestNodeDebugGPURealNode(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	ns := c.Namespace(t, "node-debug-gpu")
	ctx := context.Background()

	r := kubectlAkash(t, c, runOpts{}, "node-debug", "gpu", "--all", "--image", c.AgentImage, "--debug-namespace", ns, "-o", "json")
	if r.code != 0 || len(decodeGPU(t, r)) != 0 || !strings.Contains(r.stderr, "no node advertises nvidia.com/gpu") {
		t.Fatalf("--all without GPU nodes: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A device plugin DaemonSet pinned to the real node, whose image cannot be pulled.
	dpNS := c.Namespace(t, "gpu-device-plugin")
	ds := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: "nvdp", Namespace: dpNS},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "nvdp"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "nvdp"}},
				Spec: corev1.PodSpec{
					NodeSelector: map[string]string{"kubernetes.io/hostname": node},
					Tolerations:  []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
					Containers:   []corev1.Container{{Name: "plugin", Image: "127.0.0.1:9/nvidia/k8s-device-plugin:v0.14.5"}},
				},
			},
		},
	}
	if _, err := c.Kube().AppsV1().DaemonSets(dpNS).Create(ctx, ds, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		pods, err := c.Kube().CoreV1().Pods(dpNS).List(ctx, metav1.ListOptions{LabelSelector: "app=nvdp"})
		if err == nil && len(pods.Items) == 1 && pods.Items[0].Spec.NodeName == node {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the device plugin pod was not placed on %s: %v %+v", node, err, pods)
		}
		time.Sleep(500 * time.Millisecond)
	}

	label := gpu.LabelGPUPrefix + "nvidia.model.t4"
	patch := func(v any) {
		b, _ := json.Marshal(map[string]any{"metadata": map[string]any{"labels": map[string]any{label: v}}})
		if _, err := c.Kube().CoreV1().Nodes().Patch(ctx, node, types.MergePatchType, b, metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	patch("1")
	t.Cleanup(func() { patch(nil) })

	// The kernel log is a file on the host: the debug pod reads it under /host.
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	kern := filepath.Join(dir, "kern.log")
	if err := os.WriteFile(kern, []byte("6,1,5000000,-;NVRM: loading NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 01:15:15 UTC 2023\n"+
		"4,2,7000000,-;NVRM: Xid (PCI:0000:5d:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	r = kubectlAkash(t, c, runOpts{}, "node-debug", "gpu", "--all", "--image", c.AgentImage, "--debug-namespace", ns, "--kernel-log", kern, "-o", "json")
	if r.code != cli.ExitFindings {
		t.Fatalf("exit %d, want 3\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	got := decodeGPU(t, r)
	if len(got) != 1 {
		t.Errorf("--all checked %d nodes, want only the labelled one", len(got))
	}
	s := got[node].Status
	if s.Error != "" || s.Verdict != gpu.VerdictUnhealthy {
		t.Fatalf("node %s: error %q verdict %s", node, s.Error, s.Verdict)
	}
	for _, code := range []string{gpu.FindingNvidiaSmiMissing, gpu.FindingXidCritical, gpu.FindingDevicePluginNotReady} {
		if !s.Has(code) {
			t.Errorf("no %s finding: %+v", code, s.Findings)
		}
	}
	// a saved log's seconds since boot are not dated from the node's current boot
	if len(s.Xids) != 1 || s.Xids[0].Code != 79 || s.Xids[0].LastSeen != nil || s.Xids[0].LastSecondsSinceBoot != 7 {
		t.Errorf("Xids %+v", s.Xids)
	}
	for _, f := range s.Findings {
		if f.Code == gpu.FindingXidCritical && !strings.Contains(f.Message, "last at uptime 7 s") {
			t.Errorf("Xid finding %q", f.Message)
		}
	}
	if s.Cluster == nil || strings.Join(s.Cluster.AkashModels, ",") != "nvidia/t4" || s.Cluster.DevicePlugin == nil ||
		s.Cluster.DevicePlugin.DaemonSet != dpNS+"/nvdp" || s.Cluster.DevicePlugin.Version != "v0.14.5" || s.Cluster.DevicePlugin.Ready {
		t.Errorf("cluster side %+v", s.Cluster)
	}
	noDebugPods(t, c, ns)

	// The table: one row, the verdict and the first problem.
	r = kubectlAkash(t, c, runOpts{}, "node-debug", "gpu", node, "--image", c.AgentImage, "--debug-namespace", ns)
	if r.code != cli.ExitFindings || !strings.Contains(r.stdout, "Unhealthy") || !strings.Contains(r.stdout, "v0.14.5 NotReady") {
		t.Errorf("table: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	noDebugPods(t, c, ns)
}
