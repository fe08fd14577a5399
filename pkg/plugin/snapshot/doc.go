// Package snapshot reads the cluster once for a command: a fixed set of LIST
// calls (one per resource type, run in parallel, optionally paged with
// --chunk-size), never one call per lease or per object. Analysis packages
// work on the resulting Snapshot in memory.
package snapshot
