// Package dangling reconciles the leases the chain says are open with the
// leases that run in the cluster, both ways:
//
//   - in the cluster but not open on chain: the provider serves for free.
//     Leases closed by escrow depletion never reach the provider's event bus,
//     and on restart it re-adopts every Manifest, so this keeps happening;
//   - open on chain but not in the cluster: the tenant pays for nothing.
//
// Reconcile is pure: chain answers and the cluster snapshot come in, result
// objects with planned actions come out. A lease whose chain state could not
// be read is "unknown" and is never acted on. Check (run.go) is the command
// around it: the snapshot it needs, where the chain is read, and the
// clean-up flow; CommandOptions (options.go) is `kubectl akash dangling`:
// its defaults, flag checks, Run and --schedule rules.
package dangling
