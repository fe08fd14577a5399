package gpu

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/kubectl/pkg/util/podutils"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot/snapshottest"
)

func gpuNode(name string, capacity, alloc int64, labels map[string]string) *corev1.Node {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
	if capacity >= 0 {
		n.Status.Capacity = corev1.ResourceList{ResourceGPU: *resource.NewQuantity(capacity, resource.DecimalSI)}
		n.Status.Allocatable = corev1.ResourceList{ResourceGPU: *resource.NewQuantity(alloc, resource.DecimalSI)}
	}
	return n
}

func pluginDS(ns, name, image string) *appsv1.DaemonSet {
	return &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID("ds-uid-" + name)},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: image}}}},
		},
	}
}

func pluginPod(ds *appsv1.DaemonSet, node string, ready bool) *corev1.Pod {
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ds.Namespace, Name: ds.Name + "-" + node, Labels: map[string]string{"app": ds.Name},
			OwnerReferences: []metav1.OwnerReference{{Kind: "DaemonSet", Name: ds.Name, UID: ds.UID}}},
		Spec: corev1.PodSpec{NodeName: node},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: st}},
			ContainerStatuses: []corev1.ContainerStatus{{State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}}}}},
	}
}

// ReadCluster finds the device plugin by image in any namespace, maps its
// pods to nodes, and costs 3 LISTs (nodes, DaemonSets, ClusterPolicies)
// plus one per device plugin namespace — never one per node.
func TestReadClusterListsOnce(t *testing.T) {
	ds := pluginDS("nvidia-device-plugin", "nvdp", "nvcr.io/nvidia/k8s-device-plugin:v0.14.5")
	other := pluginDS("kube-system", "kube-proxy", "registry.k8s.io/kube-proxy:v1.30.0")
	objs := []runtime.Object{ds, other, pluginPod(ds, "gpu-a", true), pluginPod(ds, "gpu-b", false)}
	for i := 0; i < 50; i++ {
		objs = append(objs, gpuNode("n"+itoa(i), 1, 1, nil))
	}
	cluster := snapshottest.New(objs...)
	v, err := ReadCluster(context.Background(), cluster.Clients(t))
	if err != nil {
		t.Fatal(err)
	}
	if reqs := cluster.Requests(); len(reqs) != 4 || !strings.Contains(strings.Join(reqs, "\n"), "/namespaces/nvidia-device-plugin/pods?labelSelector=app%3Dnvdp") {
		t.Errorf("LISTs %v, want 4 (nodes, daemonsets, clusterpolicies, the plugin's pods by its selector)", reqs)
	}
	if len(v.Nodes) != 50 || len(v.Plugins) != 1 {
		t.Fatalf("nodes %d plugins %+v", len(v.Nodes), v.Plugins)
	}
	p := v.Plugins[0]
	if p.Version != "v0.14.5" || p.Namespace != "nvidia-device-plugin" || len(p.Pods) != 2 || !podutils.IsPodReady(ptr(p.Pods["gpu-a"])) || podutils.IsPodReady(ptr(p.Pods["gpu-b"])) {
		t.Errorf("plugin %+v", p)
	}
}

// Two device plugin DaemonSets in one namespace: one LIST of the whole
// namespace serves both, each keeps only the pods it owns.
func TestPodsSpecSharesANamespace(t *testing.T) {
	a := pluginDS("kube-system", "nvdp-a", "nvcr.io/nvidia/k8s-device-plugin:v0.14.5")
	b := pluginDS("kube-system", "nvdp-b", "nvcr.io/nvidia/k8s-device-plugin:v0.17.0")
	first := &snapshot.Snapshot{DaemonSets: []appsv1.DaemonSet{*a, *b}}
	spec := PodsSpec(first)
	if sel, ok := spec.NamespacePods["kube-system"]; !ok || sel != "" || len(spec.NamespacePods) != 1 {
		t.Fatalf("pods to read %+v", spec.NamespacePods)
	}
	v := View(first, &snapshot.Snapshot{NamespacePods: map[string][]corev1.Pod{"kube-system": {*pluginPod(a, "n1", true), *pluginPod(b, "n2", true)}}})
	if len(v.Plugins) != 2 || len(v.Plugins[0].Pods) != 1 || len(v.Plugins[1].Pods) != 1 || v.Plugins[0].Pods["n1"].Name == "" || v.Plugins[1].Pods["n2"].Name == "" {
		t.Fatalf("plugins %+v", v.Plugins)
	}
}

func ptr[T any](v T) *T { return &v }

func t4s(n int) []GPU {
	var out []GPU
	for i := 0; i < n; i++ {
		out = append(out, GPU{Index: i, Name: "Tesla T4"})
	}
	return out
}

func codes(s Status) string {
	var c []string
	for _, f := range s.Findings {
		c = append(c, f.Code)
	}
	return strings.Join(c, ",")
}

func TestJoin(t *testing.T) {
	ds := pluginDS("nvdp", "nvdp", "nvcr.io/nvidia/k8s-device-plugin:v0.14.5")
	label := func(model, v string) map[string]string {
		return map[string]string{LabelGPUPrefix + "nvidia.model." + model: v}
	}
	plugin := func(node string, ready bool) []Plugin {
		return []Plugin{{Name: "nvdp", Namespace: "nvdp", Version: "v0.14.5", Pods: map[string]corev1.Pod{node: *pluginPod(ds, node, ready)}}}
	}
	for _, c := range []struct {
		name    string
		node    *corev1.Node
		plugins []Plugin
		status  Status
		want    string
		verdict string
	}{
		{"healthy", gpuNode("g", 2, 2, label("t4", "2")), plugin("g", true), Status{GPUs: t4s(2)}, "", VerdictHealthy},
		{"no plugin at all", gpuNode("g", -1, 0, label("t4", "2")), nil, Status{GPUs: t4s(2)}, FindingDevicePluginMissing + "," + FindingCapacityMismatch, VerdictUnhealthy},
		{"no plugin pod here", gpuNode("g", 2, 2, label("t4", "2")), plugin("other", true), Status{GPUs: t4s(2)}, FindingDevicePluginMissing, VerdictUnhealthy},
		{"plugin not ready", gpuNode("g", 2, 2, label("t4", "2")), plugin("g", false), Status{GPUs: t4s(2)}, FindingDevicePluginNotReady, VerdictUnhealthy},
		{"a GPU lost", gpuNode("g", 2, 2, label("t4", "1")), plugin("g", true), Status{GPUs: t4s(1)}, FindingCapacityMismatch, VerdictUnhealthy},
		{"unhealthy GPU", gpuNode("g", 2, 1, label("t4", "true")), plugin("g", true), Status{GPUs: t4s(2)}, FindingUnhealthyGPUs, VerdictUnhealthy},
		{"wrong model", gpuNode("g", 2, 2, label("a100", "2")), plugin("g", true), Status{GPUs: t4s(2)}, FindingAkashLabelMismatch, VerdictUnhealthy},
		{"wrong count", gpuNode("g", 2, 2, label("t4", "4")), plugin("g", true), Status{GPUs: t4s(2)}, FindingAkashLabelMismatch, VerdictUnhealthy},
		{"no label", gpuNode("g", 2, 2, nil), plugin("g", true), Status{GPUs: t4s(2)}, FindingAkashLabelMissing, VerdictDegraded},
		{"MIG single strategy", gpuNode("g", 2, 2, label("h100", "1")), plugin("g", true),
			Status{GPUs: []GPU{{Name: "NVIDIA H100 80GB HBM3", MIG: []MIG{{Profile: "3g.40gb"}, {Profile: "3g.40gb", Index: 1}}}}}, "", VerdictHealthy},
		{"not a GPU node", gpuNode("g", -1, 0, nil), nil, Status{Findings: []Finding{{Code: FindingNvidiaSmiMissing, Severity: SeverityError}}}, FindingNvidiaSmiMissing, VerdictUnhealthy},
		{"node failed", gpuNode("g", 2, 2, nil), nil, Status{Error: "node is NotReady"}, "", VerdictUnknown},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := GPUNode{ObjectMeta: metav1.ObjectMeta{Name: "g"}, Status: c.status}
			Join(&n, &ClusterView{Nodes: map[string]*corev1.Node{"g": c.node}, Plugins: c.plugins})
			n.Status.Assess()
			if got := codes(n.Status); got != c.want || n.Status.Verdict != c.verdict {
				t.Errorf("findings %q verdict %s, want %q %s\n%+v", got, n.Status.Verdict, c.want, c.verdict, n.Status.Findings)
			}
		})
	}
}

func TestIsGPUNode(t *testing.T) {
	if !IsGPUNode(gpuNode("a", 1, 1, nil)) || !IsGPUNode(gpuNode("b", -1, 0, map[string]string{LabelGPUPrefix + "nvidia.model.t4": "1"})) ||
		IsGPUNode(gpuNode("c", -1, 0, map[string]string{"akash.network": "true"})) || IsGPUNode(gpuNode("d", 0, 0, nil)) {
		t.Error("IsGPUNode")
	}
	m := AkashModels(map[string]string{LabelGPUPrefix + "nvidia.model.a100.ram.80Gi": "8"})
	if len(m) != 1 || m[0].Model != "a100" || m[0].Vendor != "nvidia" || m[0].Value != "8" {
		t.Errorf("models %+v", m)
	}
}
