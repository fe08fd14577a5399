package dangling

import (
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

// Plan orders the clean-up for the executor: the backup first, as a gate
// (no delete without it; left out when nothing is deleted), then each
// lease's teardown in the provider's order as one group (it stops at its
// first failure, so a Manifest that conflicts keeps its namespace), then
// each lease's bid close as a group of its own. Each transaction's answer
// is recorded in its item. It returns how many deletes and closes there
// are.
func Plan(items []DanglingLease, backup *execute.Action) (plan *execute.Plan, deletes, closes int) {
	plan = &execute.Plan{}
	for i := range items {
		for _, a := range items[i].Status.Actions {
			if a.Verb == chain.VerbCloseBid {
				closes++
			} else {
				deletes++
			}
		}
	}
	if deletes > 0 {
		plan.Add("backup", backup).Gate = true
	}
	for i := range items {
		var dels, txs []*execute.Action
		for _, a := range items[i].Status.Actions {
			if a.Verb == chain.VerbCloseBid {
				if tx, ok := a.Payload.(*chain.CloseBidTx); ok {
					tx.Into = &items[i].Status.Transaction
				}
				txs = append(txs, a)
			} else {
				dels = append(dels, a)
			}
		}
		subject := "lease " + items[i].Spec.LeaseID.String()
		if len(dels) > 0 {
			plan.Add(subject, dels...)
		}
		if len(txs) > 0 {
			plan.Add(subject, txs...)
		}
	}
	return plan, deletes, closes
}
