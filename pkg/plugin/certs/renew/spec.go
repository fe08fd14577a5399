package renew

import "github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"

// Spec is the one read a renewal plans from: the nodes (Choose picks the
// named ones, or the control plane, from them).
func Spec(names []string, chunk int64) snapshot.Spec {
	return snapshot.Spec{Nodes: true, ChunkSize: chunk}
}
