package doctor

import (
	"context"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/dangling"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// ReadChain reads the chain's view of the provider's leases from src, as
// dangling does (the open leases, then a lookup of each in-cluster lease
// that is not open). The provider is provider, or the one the cluster's
// leases name. A cluster without leases and without --provider has no
// provider to ask about: not applicable.
func ReadChain(ctx context.Context, src chain.LeaseSource, provider string, snap *snapshot.Snapshot, fixArgs string) *ChainInput {
	in := &ChainInput{Provider: provider, Source: src.Describe(), FixArgs: fixArgs}
	if in.Provider == "" {
		if len(snap.LeaseByNamespace()) == 0 {
			in.NotApplicable = "no lease in the cluster names the provider, and --provider was not given"
			return in
		}
		p, err := dangling.InferProvider(snap)
		if err != nil {
			in.Err = err
			return in
		}
		in.Provider = p
	}
	view, err := dangling.ReadChain(ctx, src, in.Provider, dangling.InCluster(snap, in.Provider))
	if err != nil {
		in.Err = err
		return in
	}
	in.View = view
	return in
}
