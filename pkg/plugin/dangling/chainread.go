package dangling

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// InferProvider is the single provider the cluster's leases name: a
// dangling check is one provider's, and a cluster whose leases name
// several needs --provider.
func InferProvider(snap *snapshot.Snapshot) (string, error) {
	seen := map[string]bool{}
	for _, id := range snap.LeaseByNamespace() {
		seen[id.Provider] = true
	}
	switch len(seen) {
	case 1:
		for p := range seen {
			return p, nil
		}
	case 0:
		return "", fmt.Errorf("no lease in the cluster names the provider: pass --provider akash1...")
	}
	var all []string
	for p := range seen {
		all = append(all, p)
	}
	sort.Strings(all)
	return "", fmt.Errorf("the cluster's leases name %d providers (%v): pass --provider", len(all), all)
}

// chainLookups is how many single-lease chain lookups run at once.
const chainLookups = 8

// ReadChain lists the open leases (any error stops everything: nothing is
// judged against a partial view) and looks up each in-cluster lease that is
// not open, a few at a time (each is a provider-services run or a request);
// a failed lookup makes that lease unknown.
func ReadChain(ctx context.Context, src chain.LeaseSource, provider string, inCluster map[akash.LeaseID]string) (ChainView, error) {
	open, err := src.OpenLeases(ctx, provider)
	if err != nil {
		return ChainView{}, fmt.Errorf("cannot read the open leases from the chain (%s), so nothing is judged: %w", src.Describe(), err)
	}
	view := ChainView{Open: open, Lookups: map[akash.LeaseID]chain.LeaseState{}, Errors: map[akash.LeaseID]error{}}
	isOpen := map[akash.LeaseID]bool{}
	for _, l := range open {
		isOpen[l.ID] = true
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(chainLookups)
	for id := range inCluster {
		if isOpen[id] {
			continue
		}
		g.Go(func() error {
			st, err := src.Lease(gctx, id)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				view.Errors[id] = err
			} else {
				view.Lookups[id] = st
			}
			return nil
		})
	}
	_ = g.Wait() // lookups fail one lease at a time, never the whole view
	return view, nil
}

// ReadAges reads, on the chain's clock, how old each open lease with
// nothing in the cluster is: the latest block once, then the block each
// such lease was created in. A source without a clock (the CLI) leaves
// the ages unknown, and those bids are not closed.
func ReadAges(ctx context.Context, src chain.LeaseSource, view *ChainView, inCluster map[akash.LeaseID]string) {
	view.Ages, view.AgeErrors = map[akash.LeaseID]time.Duration{}, map[akash.LeaseID]error{}
	var orphans []chain.LeaseState
	for _, l := range view.Open {
		if _, ok := inCluster[l.ID]; !ok {
			orphans = append(orphans, l)
		}
	}
	if len(orphans) == 0 {
		return
	}
	var clock chain.Clock
	if v, ok := src.(chain.Verified); ok {
		clock, _ = v.LeaseSource.(chain.Clock)
	}
	if clock == nil {
		for _, l := range orphans {
			view.AgeErrors[l.ID] = fmt.Errorf("%s cannot tell block times: pass --api to read the chain's REST API", src.Describe())
		}
		return
	}
	latest, err := clock.Block(ctx, 0)
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(chainLookups)
	for _, l := range orphans {
		if err != nil {
			view.AgeErrors[l.ID] = err
			continue
		}
		g.Go(func() error {
			age, aerr := chain.LeaseAge(gctx, clock, latest, l.CreatedAt)
			mu.Lock()
			defer mu.Unlock()
			if aerr != nil {
				view.AgeErrors[l.ID] = aerr
			} else {
				view.Ages[l.ID] = age
			}
			return nil
		})
	}
	_ = g.Wait()
}
