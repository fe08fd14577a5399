// Package execute is the one place where kubectl-akash changes a cluster.
// Commands analyse a snapshot into planned Actions; this package prints the
// plan, asks for confirmation (--yes or an interactive y), and applies each
// action with preconditions so that nothing is written over someone else's
// change: deletes carry the UID and resourceVersion the plan was made
// against, patches carry JSON-patch `test` operations of what they rely on.
// Every action gets an Outcome; a conflict is reported, never retried over.
//
// --dry-run=client sends nothing; --dry-run=server sends the same requests
// with dryRun=All, so the API server validates and admits them without
// persisting anything.
package execute
