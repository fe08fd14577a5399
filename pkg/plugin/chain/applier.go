package chain

import (
	"context"

	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

// CloseBidTx is the payload of a close-bid action: the transaction to send,
// and where to record what the chain said (a result object's field), once
// it ran.
type CloseBidTx struct {
	CloseBid
	Into **TxResult
}

func (tx *CloseBidTx) record(res TxResult) {
	if tx.Into != nil {
		*tx.Into = &res
	}
}

// BidTarget is how a close-bid action names its lease: the on-chain bid
// (market module), by lease ID.
func BidTarget(id akash.LeaseID) execute.Target {
	return execute.Target{Group: "market.akash.network", Resource: "bids", Kind: "Bid", Name: id.String()}
}

// NewCloseBidAction plans closing id's bid with reason.
func NewCloseBidAction(id akash.LeaseID, reason uint32) *execute.Action {
	lease := id
	return &execute.Action{Verb: VerbCloseBid, Target: BidTarget(id), Lease: &lease,
		Payload: &CloseBidTx{CloseBid: CloseBid{ID: id, Reason: reason}}, Outcome: execute.Outcome{Result: execute.Planned}}
}

// TxApplier applies close-bid actions through a Broadcaster, which sends
// one transaction per block. The engine runs it on a context the first
// Ctrl-C does not cancel: a broadcast transaction is followed to its block.
type TxApplier struct {
	B *Broadcaster
}

// Apply sends (or, with --dry-run=server, simulates) the transaction.
func (t TxApplier) Apply(ctx context.Context, a *execute.Action, _ cmdutil.DryRunStrategy) execute.Outcome {
	tx, ok := a.Payload.(*CloseBidTx)
	if !ok {
		return execute.Outcome{Result: execute.Failed, Message: "a close-bid action without its transaction: this is a bug"}
	}
	res := t.B.CloseBid(ctx, tx.CloseBid)
	tx.record(res)
	return res.Outcome
}

// Rehearse is the client dry run: the exact command line, nothing run.
func (t TxApplier) Rehearse(a *execute.Action) execute.Outcome {
	tx, ok := a.Payload.(*CloseBidTx)
	if !ok {
		return execute.Outcome{Result: execute.DryRun, Message: "would " + a.Describe()}
	}
	res := TxResult{Command: t.B.Runner.CommandLine(t.B.CLI.CloseBidArgv(tx.CloseBid))}
	res.Outcome = execute.Outcome{Result: execute.DryRun, Message: "would run: " + res.Command}
	tx.record(res)
	return res.Outcome
}
