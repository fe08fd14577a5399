// Package leases joins what the cluster holds about each lease — its Manifest
// CR, its namespace and the pods inside — into one Lease result per lease.
// Build and the table are pure: they work on a snapshot and never call the
// API; Read is the one snapshot read (and chain read) of `leases list`, and
// Watchers what its --watch follows. ListOptions is the command itself: its
// defaults, flag checks and Run (options.go).
package leases
