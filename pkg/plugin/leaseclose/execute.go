package leaseclose

import (
	"context"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

// Execute closes the planned leases one after the other through b, which
// waits for each transaction's block before the next is sent, and records
// every outcome. It returns how many failed.
func Execute(ctx context.Context, items []LeaseClose, b *chain.Broadcaster) (failed int) {
	for i := range items {
		it := &items[i]
		for _, a := range it.Status.Actions {
			if a.Result != execute.Planned || a.Verb != chain.VerbCloseBid {
				continue
			}
			res := b.CloseBid(ctx, chain.CloseBid{ID: it.Spec.LeaseID, Reason: it.Spec.Reason})
			a.Outcome = res.Outcome
			tx := res
			it.Status.Transaction = &tx
			if a.Result.Failure() {
				failed++
			}
		}
	}
	return failed
}
