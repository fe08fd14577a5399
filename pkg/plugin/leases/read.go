package leases

import (
	"context"
	"fmt"
	"io"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/dangling"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// Query is what `leases list` reads and keeps.
type Query struct {
	LeaseNamespace string
	Filter         Filter
	// List is -l, --field-selector and --chunk-size.
	List *output.ListFlags
	// Chain, when set, is where each lease's chain state is read from;
	// Provider is whose leases (default: the one the cluster's leases name).
	Chain    chain.LeaseSource
	Provider string
}

// Spec is the one read of the cluster: Manifests, lease namespaces and
// pods (of -n only, when given) — three LISTs however many leases.
func (q Query) Spec() snapshot.Spec {
	return snapshot.Spec{
		LeaseNamespace: q.LeaseNamespace, Namespace: q.Filter.Namespace, ChunkSize: q.List.ChunkSize,
		Manifests: true, LeaseNamespaces: true, Pods: true, PodPhasesOnly: true, // Build reads a pod's namespace, deletion and phase
	}
}

// Read reads the cluster once (and the chain once, with q.Chain) and
// returns the leases q selects; Manifests that cannot be decoded are
// warnings on errOut.
func Read(ctx context.Context, clients *cli.Clients, q Query, errOut io.Writer) ([]Lease, error) {
	snap, err := snapshot.Load(ctx, clients, q.Spec())
	if err != nil {
		return nil, err
	}
	for _, err := range snap.ManifestErrors {
		fmt.Fprintf(errOut, "warning: %v\n", err)
	}
	items, err := output.Keep(q.List, Build(snap, q.Filter))
	if err != nil || q.Chain == nil || len(items) == 0 {
		return items, err
	}
	return items, q.joinChain(ctx, snap, items)
}

// joinChain reads the provider's open leases from the chain, one paged
// listing, and joins them to items. A chain that cannot be read fails the
// run: a listing that silently lacks the asked-for chain state would read
// as "not open".
func (q Query) joinChain(ctx context.Context, snap *snapshot.Snapshot, items []Lease) error {
	provider := q.Provider
	if provider == "" {
		var err error
		if provider, err = dangling.InferProvider(snap); err != nil {
			return err
		}
	}
	open, err := q.Chain.OpenLeases(ctx, provider)
	if err != nil {
		return fmt.Errorf("cannot read the open leases of %s from the chain (%s): %w", provider, q.Chain.Describe(), err)
	}
	JoinChain(items, provider, open)
	return nil
}
