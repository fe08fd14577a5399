package leases

import (
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
)

// StateNotOpen is the chain state shown for a lease the chain does not list
// among the provider's open leases (active, insufficient_funds,
// reclaiming): it is closed, or the chain never had it. Telling the two
// apart costs one query per lease, which a listing does not make.
const StateNotOpen = "not open"

// ChainStatus is what the chain says of a lease.
type ChainStatus struct {
	// State is the chain's state (active, insufficient_funds, reclaiming)
	// or StateNotOpen.
	State string `json:"state"`
	// Reclamation is the lease's reclamation window and, once reclaiming
	// has started, its deadline.
	Reclamation *chain.Reclamation `json:"reclamation,omitempty"`
}

// JoinChain sets each lease's chain status from the provider's open leases
// as one listing returned them. A lease of another provider is left
// without a chain status: the listing says nothing about it. A reclaiming
// lease is open (the provider serves it until its deadline), never closed.
func JoinChain(items []Lease, provider string, open []chain.LeaseState) {
	byID := make(map[akash.LeaseID]chain.LeaseState, len(open))
	for _, l := range open {
		byID[l.ID] = l
	}
	for i := range items {
		id := items[i].Spec.LeaseID
		if !akash.SameAddress(id.Provider, provider) || id.DSeq == 0 {
			continue
		}
		st, ok := byID[id]
		if !ok {
			items[i].Status.Chain = &ChainStatus{State: StateNotOpen}
			continue
		}
		items[i].Status.Chain = &ChainStatus{State: st.State, Reclamation: st.Reclamation}
	}
}
