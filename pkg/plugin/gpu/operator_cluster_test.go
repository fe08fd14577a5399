package gpu

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot/snapshottest"
)

func clusterPolicy(name, state string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "nvidia.com/v1", "kind": "ClusterPolicy",
		"metadata": map[string]any{"name": name}, "status": map[string]any{"state": state}}}
	return u
}

func operatorDS(name, image string) *appsv1.DaemonSet {
	ds := pluginDS(OperatorNamespace, name, image)
	ds.OwnerReferences = []metav1.OwnerReference{{APIVersion: "nvidia.com/v1", Kind: "ClusterPolicy", Name: "cluster-policy", UID: "cp-uid"}}
	return ds
}

// ReadCluster reads the operator with one LIST of ClusterPolicies and one
// LIST of pods in its namespace, whatever the number of nodes and
// DaemonSets, and files each pod under its DaemonSet and node.
func TestReadClusterReadsTheOperatorOnce(t *testing.T) {
	driver := operatorDS("nvidia-driver-daemonset", "nvcr.io/nvidia/driver:550.127.05-ubuntu22.04")
	validator := operatorDS("nvidia-operator-validator", "nvcr.io/nvidia/cloud-native/gpu-operator-validator:v24.9.0")
	plugin := operatorDS("nvidia-device-plugin-daemonset", "nvcr.io/nvidia/k8s-device-plugin:v0.17.0")
	unrelated := pluginDS("kube-system", "kube-proxy", "registry.k8s.io/kube-proxy:v1.30.0")
	objs := []runtime.Object{driver, validator, plugin, unrelated, clusterPolicy("cluster-policy", "notReady"),
		pluginPod(driver, "gpu-a", true), pluginPod(validator, "gpu-a", false), pluginPod(plugin, "gpu-a", true)}
	for i := 0; i < 30; i++ {
		objs = append(objs, gpuNode("n"+itoa(i), 8, 8, nil))
	}
	cluster := snapshottest.New(objs...)
	v, err := ReadCluster(context.Background(), cluster.Clients(t))
	if err != nil {
		t.Fatal(err)
	}
	if reqs := cluster.Requests(); len(reqs) != 4 || !strings.Contains(strings.Join(reqs, "\n"), "/api/v1/namespaces/"+OperatorNamespace+"/pods") {
		t.Errorf("LISTs %v, want nodes, daemonsets, ClusterPolicies and the operator namespace's pods (the operator's device plugin's among them)", reqs)
	}
	if len(v.Plugins) != 1 || v.Plugins[0].Version != "v0.17.0" || len(v.Plugins[0].Pods) != 1 {
		t.Errorf("the operator's device plugin: %+v", v.Plugins)
	}
	op := v.Operator
	if op == nil || len(op.Policies) != 1 || op.Policies[0].State != "notReady" || len(op.DaemonSets) != 3 {
		t.Fatalf("operator %+v", op)
	}
	for _, ds := range op.DaemonSets {
		if _, ok := ds.Pods["gpu-a"]; !ok || len(ds.Pods) != 1 {
			t.Errorf("%s pods %v", ds.Name, ds.Pods)
		}
	}
}

// A cluster without the ClusterPolicy CRD and without operator DaemonSets
// is not an operator cluster: no operator view, no error.
func TestReadClusterWithoutTheOperatorCRD(t *testing.T) {
	cluster := snapshottest.New(gpuNode("g", 1, 1, nil)).Fail("clusterpolicies", apierrors.NewNotFound(ClusterPolicyGVR.GroupResource(), ""))
	v, err := ReadCluster(context.Background(), cluster.Clients(t))
	if err != nil || v.Operator != nil {
		t.Fatalf("err %v operator %+v", err, v.Operator)
	}
}

// A user who may not list ClusterPolicies still gets the check: the
// operator's state is said to be unknown, nothing fails.
func TestReadClusterWithForbiddenClusterPolicies(t *testing.T) {
	driver := operatorDS("nvidia-driver-daemonset", "nvcr.io/nvidia/driver:550")
	cluster := snapshottest.New(gpuNode("g", 1, 1, nil), driver, pluginPod(driver, "g", true)).Fail("clusterpolicies", apierrors.NewForbidden(ClusterPolicyGVR.GroupResource(), "", nil))
	v, err := ReadCluster(context.Background(), cluster.Clients(t))
	if err != nil || v.Operator == nil || !strings.Contains(v.Operator.PolicyError, "forbidden") || len(v.Operator.DaemonSets) != 1 {
		t.Fatalf("err %v operator %+v", err, v.Operator)
	}
	n := GPUNode{ObjectMeta: metav1.ObjectMeta{Name: "g"}, Status: Status{Management: ManagedByOperator, GPUs: h100s(1)}}
	Join(&n, v)
	if f := n.Status.Findings; len(f) == 0 || !n.Status.Has(FindingClusterPolicyUnknown) {
		t.Fatalf("findings %+v", f)
	}
}

// Join ties each operator finding to the node and the pod: a not-Ready
// validator is an Error naming its pod, a not-ready ClusterPolicy a
// Warning; an operator node without any operator pod is an Error; a host
// node in the same cluster is left host-managed with none of these.
func TestJoinOperator(t *testing.T) {
	driver := operatorDS("nvidia-driver-daemonset", "nvcr.io/nvidia/driver:550")
	validator := operatorDS("nvidia-operator-validator", "validator:v24.9.0")
	dcgm := operatorDS("nvidia-dcgm-exporter", "dcgm-exporter:3.3")
	pluginDSObj := operatorDS("nvidia-device-plugin-daemonset", "nvcr.io/nvidia/k8s-device-plugin:v0.17.0")
	view := func() *ClusterView {
		return &ClusterView{
			Nodes: map[string]*corev1.Node{"op": gpuNode("op", 8, 8, nil), "bare": gpuNode("bare", 8, 8, nil), "hostnode": gpuNode("hostnode", 1, 1, nil)},
			Plugins: []Plugin{{Name: pluginDSObj.Name, Namespace: OperatorNamespace, Version: "v0.17.0",
				Pods: map[string]corev1.Pod{"op": *pluginPod(pluginDSObj, "op", true), "bare": *pluginPod(pluginDSObj, "bare", true), "hostnode": *pluginPod(pluginDSObj, "hostnode", true)}}},
			Operator: &OperatorView{Policies: []ClusterPolicy{{Name: "cluster-policy", State: "notReady"}}, DaemonSets: []OperatorDaemonSet{
				{Namespace: OperatorNamespace, Name: driver.Name, Pods: map[string]corev1.Pod{"op": *pluginPod(driver, "op", true)}},
				{Namespace: OperatorNamespace, Name: validator.Name, Pods: map[string]corev1.Pod{"op": *pluginPod(validator, "op", false)}},
				{Namespace: OperatorNamespace, Name: dcgm.Name, Pods: map[string]corev1.Pod{"op": *pluginPod(dcgm, "op", false)}},
			}},
		}
	}
	n := GPUNode{ObjectMeta: metav1.ObjectMeta{Name: "op"}, Status: Status{Management: ManagedByOperator, GPUs: h100s(8)}}
	Join(&n, view())
	n.Status.Assess()
	s := n.Status
	if s.Cluster.Operator == nil || len(s.Cluster.Operator.Pods) != 3 || s.Verdict != VerdictUnhealthy {
		t.Fatalf("operator side %+v verdict %s", s.Cluster.Operator, s.Verdict)
	}
	var got []string
	for _, f := range s.Findings {
		got = append(got, string(f.Severity)+" "+f.Code+" "+f.Message)
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		"Error OperatorPodNotReady GPU operator pod gpu-operator/nvidia-operator-validator-op (DaemonSet nvidia-operator-validator) is not Ready on this node: CrashLoopBackOff",
		"Warning OperatorPodNotReady GPU operator pod gpu-operator/nvidia-dcgm-exporter-op",
		`Warning ClusterPolicyNotReady ClusterPolicy cluster-policy is "notReady"`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q in\n%s", want, all)
		}
	}

	bare := GPUNode{ObjectMeta: metav1.ObjectMeta{Name: "bare"}, Status: Status{Management: ManagedByOperator, GPUs: h100s(8)}}
	Join(&bare, view())
	if !bare.Status.Has(FindingOperatorPodMissing) {
		t.Errorf("an operator node without operator pods: %+v", bare.Status.Findings)
	}

	host := GPUNode{ObjectMeta: metav1.ObjectMeta{Name: "hostnode"}, Status: Status{Management: ManagedByHost, GPUs: h100s(1)}}
	Join(&host, view())
	if host.Status.Management != ManagedByHost || host.Status.Cluster.Operator != nil || host.Status.Has(FindingClusterPolicyNotReady) || host.Status.Has(FindingOperatorPodMissing) {
		t.Errorf("a host node in an operator cluster: %s %+v %+v", host.Status.Management, host.Status.Cluster.Operator, host.Status.Findings)
	}
}

func h100s(n int) []GPU {
	var out []GPU
	for i := 0; i < n; i++ {
		out = append(out, GPU{Index: i, Name: "NVIDIA H100 80GB HBM3"})
	}
	return out
}
