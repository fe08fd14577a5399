package renew

import (
	"context"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// Spec is the one read a renewal plans from: the nodes named, or with no
// names the control-plane nodes (Choose orders them).
func Spec(names []string, chunk int64) snapshot.Spec {
	spec := snapshot.Spec{Nodes: true, ChunkSize: chunk, NodeNames: names}
	if len(names) == 0 {
		spec.NodeSelector = certs.ControlPlaneLabel
	}
	return spec
}

// ReadNodes reads the nodes to renew in one read (Spec) and orders them
// (Choose). With cfg.Local it is this machine, whatever the API (which may
// refuse its expired credentials, or be absent) says of it.
func ReadNodes(ctx context.Context, cfg Config, names []string, chunk int64) ([]Node, error) {
	if cfg.Local {
		host := agent.ThisNode()
		if cfg.Clients == nil {
			return Local(host, nil), nil
		}
		snap, err := snapshot.Load(ctx, cfg.Clients, Spec([]string{host}, chunk))
		if err != nil {
			return Local(host, nil), nil
		}
		return Local(host, snap.Nodes), nil
	}
	snap, err := snapshot.Load(ctx, cfg.Clients, Spec(names, chunk))
	if err != nil {
		return nil, err
	}
	return Choose(names, snap.Nodes)
}
