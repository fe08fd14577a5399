package renew

import (
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
)

// Node is a node to renew and what the API says of it (nil when the API
// was not read: --local without a working API server).
type Node struct {
	Name string
	API  *corev1.Node
}

// Choose orders the nodes of a renewal from one read of the nodes: the
// named ones in the order given (each must exist), or, with no names, the
// control-plane nodes oldest first (the one kubeadm init ran on is the
// primary).
func Choose(names []string, listed []corev1.Node) ([]Node, error) {
	byName := make(map[string]*corev1.Node, len(listed))
	for i := range listed {
		byName[listed[i].Name] = &listed[i]
	}
	if len(names) > 0 {
		out := make([]Node, 0, len(names))
		for _, n := range names {
			api := byName[n]
			if api == nil {
				return nil, fmt.Errorf("getting node %s: nodes %q not found", n, n)
			}
			out = append(out, Node{Name: n, API: api})
		}
		return out, nil
	}
	var cp []*corev1.Node
	for i := range listed {
		if _, ok := listed[i].Labels[certs.ControlPlaneLabel]; ok {
			cp = append(cp, &listed[i])
		}
	}
	if len(cp) == 0 {
		return nil, fmt.Errorf("no node is labelled %s: name the nodes as arguments (certs renew NODE...)", certs.ControlPlaneLabel)
	}
	sort.SliceStable(cp, func(i, j int) bool {
		a, b := cp[i].CreationTimestamp, cp[j].CreationTimestamp
		if !a.Equal(&b) {
			return a.Before(&b)
		}
		return cp[i].Name < cp[j].Name
	})
	out := make([]Node, len(cp))
	for i, n := range cp {
		out[i] = Node{Name: n.Name, API: n}
	}
	return out, nil
}

// Local is this machine as the node of a --local renewal: host names it,
// listed (possibly empty: the API may refuse expired credentials) says
// what the API knows of it.
func Local(host string, listed []corev1.Node) []Node {
	n := Node{Name: host}
	for i := range listed {
		if listed[i].Name == host {
			n.API = &listed[i]
		}
	}
	return []Node{n}
}
