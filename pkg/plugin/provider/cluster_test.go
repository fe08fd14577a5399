package provider

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestClusterOf(t *testing.T) {
	node := func(kubelet string, annotations map[string]string) corev1.Node {
		return corev1.Node{ObjectMeta: metav1.ObjectMeta{Annotations: annotations}, Status: corev1.NodeStatus{NodeInfo: corev1.NodeSystemInfo{KubeletVersion: kubelet}}}
	}
	kubeadm := map[string]string{kubeadmNodeAnnotation: "unix:///run/containerd/containerd.sock"}
	for name, c := range map[string]struct {
		nodes []corev1.Node
		kind  string
	}{
		"k3s":                 {[]corev1.Node{node("v1.33.4+k3s1", nil), node("v1.33.4+k3s1", nil)}, ClusterK3s},
		"kubeadm (kubespray)": {[]corev1.Node{node("v1.35.4", kubeadm), node("v1.35.4", kubeadm)}, ClusterKubeadm},
		"rke2":                {[]corev1.Node{node("v1.32.1+rke2r1", nil)}, ClusterRKE2},
		"no sign":             {[]corev1.Node{node("v1.35.4", nil)}, ClusterUnknown},
		"no nodes":            {nil, ClusterUnknown},
	} {
		if got := ClusterOf(c.nodes); got.Kind != c.kind || got.Nodes != len(c.nodes) {
			t.Errorf("%s: %+v, want %s", name, got, c.kind)
		}
	}
}
