// Package chain sends Akash transactions on behalf of the provider. Closing
// a lease from the provider side is `provider-services tx market bid close`
// signed with the provider's key; the akash-provider pod already holds that
// key and the chain settings in its environment, so the default Runner
// execs the CLI in that pod through the Kubernetes exec API. A Runner is an
// interface so that a local CLI with the operator's own key (--via-cli) is
// the same to every caller. A local CLI is akt or provider-services; which
// one is detected from its version output (Detect), and a CLI value writes
// every command line in that one's dialect.
//
// Transactions go out one at a time and each waits for its block: two
// transactions from one account in the same block fail with "account
// sequence mismatch", which the Broadcaster retries after the next block,
// a bounded number of times. The CLI's answer (tx hash, code, raw_log) is
// parsed into an execute.Outcome, so a chain action prints and counts like
// any other mutating action.
package chain
