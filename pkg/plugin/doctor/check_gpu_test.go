package doctor

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// TestDevicePlugin: the cluster side of the GPU runbook, per GPU node: no
// device plugin at all, a Ready one with GPUs marked unhealthy; a cluster
// without GPU nodes is not applicable; the node-side findings (labels
// against nvidia-smi) are not guessed without the node's report.
func TestDevicePlugin(t *testing.T) {
	node := func(name string, capacity, allocatable int64) corev1.Node {
		return corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{gpu.LabelGPUPrefix + "nvidia.model.t4": "2"}},
			Status: corev1.NodeStatus{Capacity: corev1.ResourceList{gpu.ResourceGPU: *resource.NewQuantity(capacity, resource.DecimalSI)},
				Allocatable: corev1.ResourceList{gpu.ResourceGPU: *resource.NewQuantity(allocatable, resource.DecimalSI)}}}
	}
	nodes := []corev1.Node{node("g1", 2, 1), {ObjectMeta: metav1.ObjectMeta{Name: "cpu-only"}}}
	view := &gpu.ClusterView{Nodes: map[string]*corev1.Node{"g1": &nodes[0], "cpu-only": &nodes[1]}}
	in := &Input{Snapshot: &snapshot.Snapshot{Nodes: nodes}, GPU: &GPUInput{View: view}}

	r := checkDevicePlugin(in)
	if r.Scanned != 1 || len(r.Findings) != 2 || r.Findings[0].Code != CodeDevicePluginMissing || r.Findings[1].Code != CodeGPUsUnhealthy || r.Findings[0].Node != "g1" {
		t.Fatalf("no device plugin: %+v", r)
	}
	ready := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "nvdp-x"}, Status: corev1.PodStatus{Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}}}
	view.Plugins = []gpu.Plugin{{Name: "nvdp", Namespace: "nvidia-device-plugin", Version: "v0.17.0", Pods: map[string]corev1.Pod{"g1": ready}}}
	r = checkDevicePlugin(in)
	if len(r.Findings) != 1 || r.Findings[0].Code != CodeGPUsUnhealthy {
		t.Fatalf("a Ready plugin, one GPU unhealthy: %+v", r)
	}
	none := checkDevicePlugin(&Input{Snapshot: &snapshot.Snapshot{Nodes: nodes[1:]}})
	if none.Status != StatusNotApplicable {
		t.Fatalf("no GPU node: %+v", none)
	}
}
