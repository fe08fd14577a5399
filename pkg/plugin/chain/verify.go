package chain

import (
	"context"
	"fmt"
	"slices"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// Verified wraps a lease source so that only answers to the question asked
// get through. A source that ignores its query (a proxy that drops the
// query string, a node that answers another route) would otherwise make
// every in-cluster lease look closed, or another provider's leases look
// like this one's.
type Verified struct {
	LeaseSource
}

// OpenLeases refuses the whole listing when any lease in it is not the
// asked provider's, or not in an open state: a view that answers another
// question is not a partial truth, it is no truth.
func (v Verified) OpenLeases(ctx context.Context, provider string) ([]LeaseState, error) {
	leases, err := v.LeaseSource.OpenLeases(ctx, provider)
	if err != nil {
		return nil, err
	}
	for _, l := range leases {
		if l.ID.Provider != provider {
			return nil, fmt.Errorf("%s answered the open leases of %s with lease %s of another provider: it does not answer the question asked (does it ignore its query?)", v.Describe(), provider, l.ID)
		}
		if !slices.Contains(OpenStates, l.State) {
			return nil, fmt.Errorf("%s answered the open leases of %s with lease %s in state %q: it does not answer the question asked (does it ignore its query?)", v.Describe(), provider, l.ID, l.State)
		}
	}
	return leases, nil
}

// Lease makes an answer about another lease an error: that lease's state
// is then unknown, and nothing is done to it.
func (v Verified) Lease(ctx context.Context, id akash.LeaseID) (LeaseState, error) {
	st, err := v.LeaseSource.Lease(ctx, id)
	if err != nil {
		return st, err
	}
	if st.ID != id {
		return LeaseState{}, fmt.Errorf("%s was asked for lease %s and answered with lease %s: the answer is not trusted", v.Describe(), id, st.ID)
	}
	return st, nil
}
