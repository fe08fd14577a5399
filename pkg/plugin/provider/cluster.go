package provider

import (
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Cluster kinds, as far as the nodes tell. Kubespray installs with kubeadm,
// so its clusters are kubeadm clusters here (its etcd may run on the host).
const (
	ClusterK3s     = "k3s"
	ClusterRKE2    = "rke2"
	ClusterKubeadm = "kubeadm"
	ClusterUnknown = "unknown"
)

// Cluster is what the nodes say about how the cluster was installed: it
// decides how certificates are renewed (kubeadm's files, or k3s's own
// rotation) and what the runbooks of that installer apply to.
type Cluster struct {
	Kind string `json:"kind"`
	// KubeletVersions are the distinct kubelet versions, newest last.
	KubeletVersions []string `json:"kubeletVersions"`
	Nodes           int      `json:"nodes"`
}

// kubeadmNodeAnnotation is set by kubeadm on every node it joins.
const kubeadmNodeAnnotation = "kubeadm.alpha.kubernetes.io/cri-socket"

// ClusterOf reads the installer from the nodes: k3s and RKE2 stamp their
// kubelet version (v1.33.4+k3s1), kubeadm annotates the nodes it joins.
// Nodes that agree on nothing make the kind unknown.
func ClusterOf(nodes []corev1.Node) Cluster {
	c := Cluster{Kind: ClusterUnknown, Nodes: len(nodes), KubeletVersions: []string{}}
	seen := map[string]bool{}
	kinds := map[string]int{}
	for i := range nodes {
		n := &nodes[i]
		v := n.Status.NodeInfo.KubeletVersion
		if v != "" && !seen[v] {
			seen[v] = true
			c.KubeletVersions = append(c.KubeletVersions, v)
		}
		switch {
		case strings.Contains(v, "+k3s"):
			kinds[ClusterK3s]++
		case strings.Contains(v, "+rke2"):
			kinds[ClusterRKE2]++
		case n.Annotations[kubeadmNodeAnnotation] != "":
			kinds[ClusterKubeadm]++
		}
	}
	sort.Strings(c.KubeletVersions)
	for kind, n := range kinds {
		if n == len(nodes) || (n > 0 && len(kinds) == 1) {
			c.Kind = kind
		}
	}
	return c
}
