package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu/fakehost"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

// h100x8Capture is the real 8 × H100 `nvidia-smi -q` (see the gpu
// package's testdata README for its source).
var h100x8Capture = filepath.Join("..", "..", "pkg", "plugin", "gpu", "testdata", "nvidia-smi-q.h100x8.535.161.08.txt")

// operatorRoot builds a node after the GPU operator migration: no
// nvidia-smi on the host, the driver container's root with a stand-in
// nvidia-smi that prints the real capture, and the validator's status
// files named in ready.
func operatorRoot(t *testing.T, ready ...string) *fakehost.Host {
	raw, err := os.ReadFile(h100x8Capture)
	if err != nil {
		t.Fatal(err)
	}
	q := string(raw)
	uuids := regexp.MustCompile(`GPU UUID\s+: (\S+)`).FindAllStringSubmatch(q, -1)
	var list strings.Builder
	for i, u := range uuids {
		fmt.Fprintf(&list, "GPU %d: NVIDIA H100 80GB HBM3 (UUID: %s)\n", i, u[1])
	}
	h := fakehost.New(t)
	d := h.DriverRoot()
	d.Tool("nvidia-smi", fakehost.Case{Args: "-L", Output: list.String()}, fakehost.Case{Args: "-q", Output: q}, fakehost.Case{Args: "--query-gpu=*", Code: 6})
	d.Tool("nv-fabricmanager", fakehost.Case{Args: "--version", Output: "Fabric Manager version is : 535.161.08\n"})
	h.Process("4242", "nv-fabricmanage")
	h.File("run/nvidia/validations/.driver-ctr-ready", "", 0)
	for _, r := range ready {
		h.File("run/nvidia/validations/"+r, "", 0)
	}
	for _, dev := range []string{"nvidiactl", "nvidia-uvm", "nvidia0", "nvidia1", "nvidia2", "nvidia3", "nvidia4", "nvidia5", "nvidia6", "nvidia7"} {
		h.File("dev/"+dev, "", 0) // the driver container creates them on the host
	}
	h.File("kern.log", "", 0)
	return h
}

// `node-debug gpu --local` on an operator node: the host has no
// nvidia-smi (before, the check reported the node as having no driver at
// all and told the operator to apt install one); the driver root's runs and
// sees the 8 H100s, the node is named operator-managed, and the missing
// toolkit-ready makes it Unhealthy.
func TestNodeDebugGPULocalOperatorNode(t *testing.T) {
	c := cluster.Get(t)
	h := operatorRoot(t, "driver-ready", "plugin-ready", "cuda-ready")
	r := kubectlAkash(t, c, runOpts{}, "node-debug", "gpu", "--local", "--host-root", h.Root, "--proc-root", h.Proc, "--kernel-log", "/kern.log", "-o", "json")
	if r.code != cli.ExitFindings {
		t.Fatalf("exit %d, want 3\n%s%s", r.code, r.stdout, r.stderr)
	}
	var s gpu.Status
	for _, n := range decodeGPU(t, r) {
		s = n.Status
	}
	if s.Management != gpu.ManagedByOperator || s.NvidiaSmi != "/run/nvidia/driver/usr/bin/nvidia-smi" || len(s.GPUs) != 8 || s.DriverVersion != "535.161.08" {
		t.Fatalf("management %q nvidia-smi %q GPUs %d driver %q", s.Management, s.NvidiaSmi, len(s.GPUs), s.DriverVersion)
	}
	for _, f := range s.Findings {
		if f.Severity == gpu.SeverityError && f.Code != gpu.FindingOperatorValidationMissing {
			t.Errorf("only the missing validation is an error here: %+v", f)
		}
	}
	if s.Has(gpu.FindingNvidiaSmiMissing) || s.Operator == nil || strings.Join(s.Operator.Missing, ",") != "toolkit-ready" || !s.Has(gpu.FindingOperatorValidationMissing) {
		t.Fatalf("operator %+v findings %+v", s.Operator, s.Findings)
	}

	table := kubectlAkash(t, c, runOpts{}, "node-debug", "gpu", "--local", "--host-root", h.Root, "--proc-root", h.Proc, "--kernel-log", "/kern.log")
	if !strings.Contains(table.stdout, "MANAGED") || !strings.Contains(table.stdout, " operator ") || !strings.Contains(table.stdout, "toolkit-ready is missing") {
		t.Errorf("table:\n%s", table.stdout)
	}
}

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// clusterPolicyCRD creates the GPU operator's ClusterPolicy CRD (schema
// left open, as a test needs only metadata and status.state) and removes it
// when the test ends.
func clusterPolicyCRD(t *testing.T, c *cluster.Cluster) {
	crd := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": "clusterpolicies.nvidia.com"},
		"spec": map[string]any{
			"group": "nvidia.com", "scope": "Cluster",
			"names": map[string]any{"plural": "clusterpolicies", "singular": "clusterpolicy", "kind": "ClusterPolicy", "listKind": "ClusterPolicyList"},
			"versions": []any{map[string]any{"name": "v1", "served": true, "storage": true,
				"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}},
		},
	}}
	if _, err := c.Dynamic().Resource(crdGVR).Create(t.Context(), crd, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = c.Dynamic().Resource(crdGVR).Delete(context.Background(), "clusterpolicies.nvidia.com", metav1.DeleteOptions{})
	})
	eventually(t, 60*time.Second, func(ctx context.Context) (bool, string, error) {
		_, err := c.Dynamic().Resource(gpu.ClusterPolicyGVR).List(ctx, metav1.ListOptions{})
		return err == nil, fmt.Sprint(err), nil
	})
}

// operatorDaemonSet is one of the operator's DaemonSets, owned by the
// ClusterPolicy as the operator makes them, on the nodes sel picks.
func operatorDaemonSet(t *testing.T, c *cluster.Cluster, ns, name, image string, owner *unstructured.Unstructured, sel map[string]string) {
	ds := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns,
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "nvidia.com/v1", Kind: "ClusterPolicy", Name: owner.GetName(), UID: owner.GetUID()}}},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}},
				Spec: corev1.PodSpec{
					NodeSelector: sel,
					Tolerations:  []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
					Containers:   []corev1.Container{{Name: "main", Image: image}},
				},
			},
		},
	}
	if _, err := c.Kube().AppsV1().DaemonSets(ns).Create(t.Context(), ds, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// The cluster side on the real node, in an operator cluster: a
// ClusterPolicy that is notReady, the operator's driver and validator
// DaemonSets with pods on the node that cannot start, and a DCGM exporter
// whose pods run on the kwok nodes. The node (whose host has no operator
// files) is named operator-managed because the operator runs pods on it,
// each not-Ready operator pod is a finding naming it, and the kwok nodes'
// pods are not this node's.
func TestNodeDebugGPUOperatorCluster(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	ns := c.Namespace(t, "node-debug-gpu-op")
	opNS := c.Namespace(t, "gpu-operator")
	ctx := t.Context()

	clusterPolicyCRD(t, c)
	cp := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "nvidia.com/v1", "kind": "ClusterPolicy",
		"metadata": map[string]any{"name": "cluster-policy-" + opNS}, "spec": map[string]any{"driver": map[string]any{"enabled": true}},
		"status": map[string]any{"state": "notReady"}}}
	cp, err := c.Dynamic().Resource(gpu.ClusterPolicyGVR).Create(ctx, cp, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = c.Dynamic().Resource(gpu.ClusterPolicyGVR).Delete(context.Background(), cp.GetName(), metav1.DeleteOptions{})
	})
	onNode := map[string]string{"kubernetes.io/hostname": node}
	operatorDaemonSet(t, c, opNS, "nvidia-driver-daemonset", "127.0.0.1:9/nvidia/driver:535.161.08-ubuntu22.04", cp, onNode)
	operatorDaemonSet(t, c, opNS, "nvidia-operator-validator", "127.0.0.1:9/nvidia/cloud-native/gpu-operator-validator:v24.9.0", cp, onNode)
	operatorDaemonSet(t, c, opNS, "nvidia-dcgm-exporter", "127.0.0.1:9/nvidia/k8s/dcgm-exporter:3.3.5", cp, map[string]string{"type": "kwok"})
	eventually(t, 60*time.Second, func(ctx context.Context) (bool, string, error) {
		pods, err := c.Kube().CoreV1().Pods(opNS).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, "", err
		}
		onReal := 0
		for _, p := range pods.Items {
			if p.Spec.NodeName == node {
				onReal++
			}
		}
		return onReal == 2 && len(pods.Items) > 2, fmt.Sprintf("%d pods, %d on %s", len(pods.Items), onReal, node), nil
	})

	r := kubectlAkash(t, c, runOpts{}, "node-debug", "gpu", node, "--image", c.AgentImage, "--debug-namespace", ns, "-o", "json")
	if r.code != cli.ExitFindings {
		t.Fatalf("exit %d, want 3\n%s%s", r.code, r.stdout, r.stderr)
	}
	s := decodeGPU(t, r)[node].Status
	if s.Error != "" || s.Management != gpu.ManagedByOperator || s.Cluster == nil || s.Cluster.Operator == nil {
		t.Fatalf("error %q management %q cluster %+v", s.Error, s.Management, s.Cluster)
	}
	op := s.Cluster.Operator
	if len(op.Pods) != 2 || len(op.ClusterPolicies) == 0 {
		t.Fatalf("want the driver's and the validator's pods on %s (not the kwok nodes' exporters): %+v", node, op)
	}
	for _, p := range op.Pods {
		if p.Ready || !strings.HasPrefix(p.Pod, strings.TrimPrefix(p.DaemonSet, opNS+"/")) {
			t.Errorf("pod %+v", p)
		}
	}
	var validator, policy bool
	for _, f := range s.Findings {
		if f.Code == gpu.FindingOperatorPodNotReady && f.Severity == gpu.SeverityError && strings.Contains(f.Message, opNS+"/nvidia-operator-validator-") {
			validator = true
		}
		if f.Code == gpu.FindingClusterPolicyNotReady && strings.Contains(f.Message, cp.GetName()) {
			policy = true
		}
	}
	if !validator || !policy {
		t.Fatalf("want the not-Ready validator and the notReady ClusterPolicy as findings: %+v", s.Findings)
	}
	noDebugPods(t, c, ns)
}
