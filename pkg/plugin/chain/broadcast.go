package chain

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

// VerbCloseBid is the execute.Verb of closing a lease's bid on chain.
const VerbCloseBid execute.Verb = "close-bid"

// Defaults of a Broadcaster: an Akash block takes about 6 s.
const (
	DefaultBlockTime     = 6 * time.Second
	DefaultMaxAttempts   = 5
	DefaultCommitTimeout = 90 * time.Second
)

// Broadcaster sends transactions through a Runner one at a time: each
// call holds a lock until its transaction is committed (or has failed), so
// no two transactions of the provider's account can land in one block,
// whoever the callers are.
type Broadcaster struct {
	Runner Runner
	// DryRun: client runs nothing and reports the command line; server runs
	// the CLI's simulation (CloseBid.SimulateArgv) and broadcasts nothing.
	DryRun cmdutil.DryRunStrategy
	// BlockTime is how long to wait for the next block: before retrying a
	// sequence mismatch (times the attempt number) and between commit checks.
	BlockTime time.Duration
	// MaxAttempts bounds broadcasts of one transaction (sequence mismatches).
	MaxAttempts int
	// CLI is the dialect and flags of the Runner's CLI (zero: provider-services
	// with its own environment, as in the provider pod).
	CLI CLI
	// CommitTimeout bounds the wait for a broadcast transaction's block.
	CommitTimeout time.Duration
	// Sleep waits d or until ctx ends; tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error

	mu sync.Mutex
}

// NewBroadcaster returns a broadcaster with the defaults.
func NewBroadcaster(r Runner, dryRun cmdutil.DryRunStrategy) *Broadcaster {
	return &Broadcaster{Runner: r, DryRun: dryRun, BlockTime: DefaultBlockTime, MaxAttempts: DefaultMaxAttempts, CommitTimeout: DefaultCommitTimeout, Sleep: sleep}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// TxResult is the final outcome of one transaction and what the chain
// said about it.
type TxResult struct {
	execute.Outcome `json:"-"` // the action carries it
	// Command is the command line that was (or, in a client dry run, would
	// be) run.
	Command string `json:"command"`
	TxHash  string `json:"txHash,omitempty"`
	Height  uint64 `json:"height,omitempty"`
	// Attempts counts broadcasts (more than one after sequence mismatches).
	Attempts int `json:"attempts,omitempty"`
}

// CloseBid closes one lease's bid and waits until the close is in a block.
func (b *Broadcaster) CloseBid(ctx context.Context, req CloseBid) TxResult {
	b.mu.Lock()
	defer b.mu.Unlock()
	argv := b.CLI.CloseBidArgv(req)
	res := TxResult{Command: b.Runner.CommandLine(argv)}
	switch b.DryRun {
	case cmdutil.DryRunClient:
		res.Outcome = execute.Outcome{Result: execute.DryRun, Message: "would run: " + res.Command}
		return res
	case cmdutil.DryRunServer:
		return b.simulate(ctx, req)
	}
	for res.Attempts < b.maxAttempts() {
		if err := ctx.Err(); err != nil {
			res.Outcome = execute.Outcome{Result: execute.Skipped, Message: "interrupted before broadcasting: " + err.Error()}
			return res
		}
		res.Attempts++
		out, err := b.Runner.Run(ctx, argv)
		if err != nil && ctx.Err() != nil {
			// Cut off while the CLI ran: it may have broadcast already.
			res.Outcome = execute.Outcome{Result: execute.Unknown, Message: fmt.Sprintf("cut off while the transaction was being sent (%v): it may be on chain; check with `%s` before closing again",
				err, strings.Join(b.CLI.QueryLeaseArgv(req.ID), " "))}
			return res
		}
		if err != nil {
			res.Outcome = execute.Outcome{Result: execute.Failed, Message: err.Error()}
			return res
		}
		resp, parsed := ParseTxResponse(out.Stdout)
		if parsed {
			res.TxHash = resp.TxHash
		}
		if out.ExitCode == 0 && parsed && resp.Code == 0 {
			b.awaitCommit(ctx, &res, resp)
			if res.Result != execute.Failed || classify(res.Message) != failSequence {
				return res // committed, refused in its block, or lost: final
			}
		} else {
			text := out.Stdout + "\n" + out.Stderr + "\n" + resp.RawLog
			res.Outcome = b.failure(req, classify(text), describeFailure(b.CLI.Name(), out, resp, parsed))
			if classify(text) != failSequence {
				return res
			}
		}
		if res.Attempts >= b.maxAttempts() {
			res.Message = fmt.Sprintf("gave up after %d attempts: %s", res.Attempts, res.Message)
			return res
		}
		// Another transaction of this account took the sequence number:
		// wait for the next block(s), then broadcast again.
		if err := b.sleep(ctx, b.blockTime()*time.Duration(res.Attempts)); err != nil {
			res.Outcome = execute.Outcome{Result: execute.Failed, Message: "interrupted while waiting to retry after an account sequence mismatch: " + err.Error()}
			return res
		}
	}
	return res
}

// awaitCommit sets res from the block that holds the transaction: at once
// when the CLI waited for it (broadcast mode block), else by querying the
// hash once a block until it shows up or CommitTimeout passes.
func (b *Broadcaster) awaitCommit(ctx context.Context, res *TxResult, resp TxResponse) {
	deadline := time.Now().Add(b.commitTimeout())
	for resp.Height == 0 {
		if time.Now().After(deadline) {
			res.Outcome = execute.Outcome{Result: execute.Unknown, Message: fmt.Sprintf("broadcast as %s but not seen in a block within %s: check `%s` before closing again",
				resp.TxHash, b.commitTimeout(), strings.Join(b.CLI.QueryTxArgv(resp.TxHash), " "))}
			return
		}
		if err := b.sleep(ctx, b.blockTime()); err != nil {
			res.Outcome = execute.Outcome{Result: execute.Unknown, Message: fmt.Sprintf("broadcast as %s, interrupted while waiting for its block (%v): check `%s` before closing again", resp.TxHash, err, strings.Join(b.CLI.QueryTxArgv(resp.TxHash), " "))}
			return
		}
		out, err := b.Runner.Run(ctx, b.CLI.QueryTxArgv(resp.TxHash))
		if err != nil {
			continue // the next query may work; the deadline bounds this
		}
		if got, ok := ParseTxResponse(out.Stdout); ok && out.ExitCode == 0 {
			resp = got
		}
	}
	res.Height = uint64(resp.Height)
	if resp.Code != 0 {
		res.Outcome = execute.Outcome{Result: execute.Failed, Message: describeFailure(b.CLI.Name(), Output{}, resp, true)}
		if k := classify(resp.RawLog); k != failOther {
			res.Outcome = b.failure(CloseBid{}, k, res.Message)
		}
		return
	}
	res.Outcome = execute.Outcome{Result: execute.Succeeded, Message: fmt.Sprintf("closed in tx %s at height %d", resp.TxHash, resp.Height)}
}

// simulate runs the CLI's --dry-run for req.
func (b *Broadcaster) simulate(ctx context.Context, req CloseBid) TxResult {
	argv := b.CLI.SimulateArgv(req)
	res := TxResult{Command: b.Runner.CommandLine(argv), Attempts: 1}
	out, err := b.Runner.Run(ctx, argv)
	if err != nil {
		res.Outcome = execute.Outcome{Result: execute.Failed, Message: err.Error()}
		return res
	}
	if out.ExitCode != 0 {
		res.Outcome = b.failure(req, classify(out.Stdout+"\n"+out.Stderr), "simulation refused: "+describeFailure(b.CLI.Name(), out, TxResponse{}, false))
		return res
	}
	msg := "server dry run: the chain simulated the close and accepted it; nothing was signed or broadcast"
	if m := gasEstimate.FindStringSubmatch(out.Stdout + out.Stderr); m != nil {
		msg += " (gas estimate " + m[1] + ")"
	}
	res.Outcome = execute.Outcome{Result: execute.DryRun, Message: msg}
	return res
}

// failure turns a classified failure into an outcome whose message says
// what to do.
func (b *Broadcaster) failure(req CloseBid, kind failureKind, msg string) execute.Outcome {
	switch kind {
	case failReclamation:
		hint := "`" + b.CLI.Name() + " tx market bid start-reclaim --owner <owner> --dseq <dseq> --gseq <gseq> --oseq <oseq>`"
		if req.ID.Owner != "" {
			hint = StartReclaimHint(b.CLI, req.ID)
		}
		return execute.Outcome{Result: execute.Failed, Message: "the lease has a reclamation window that has not elapsed, so the chain refuses an early close: start reclaiming it with " +
			hint + ", and close it once its deadline has passed (" + msg + ")"}
	case failUnknownReason:
		return execute.Outcome{Result: execute.Failed, Message: "this " + b.CLI.Name() + " does not know --reason (an older release): re-run with --reason 0 to leave it out (" + msg + ")"}
	}
	return execute.Outcome{Result: execute.Failed, Message: msg}
}

func (b *Broadcaster) sleep(ctx context.Context, d time.Duration) error {
	if b.Sleep == nil {
		return sleep(ctx, d)
	}
	return b.Sleep(ctx, d)
}

func (b *Broadcaster) maxAttempts() int {
	if b.MaxAttempts < 1 {
		return 1
	}
	return b.MaxAttempts
}

func (b *Broadcaster) blockTime() time.Duration {
	if b.BlockTime <= 0 {
		return DefaultBlockTime
	}
	return b.BlockTime
}

func (b *Broadcaster) commitTimeout() time.Duration {
	if b.CommitTimeout <= 0 {
		return DefaultCommitTimeout
	}
	return b.CommitTimeout
}
