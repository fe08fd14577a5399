// Package agent is the node side of kubectl-akash: checks that read (and,
// when asked, act on) one node's /proc, /sys and files. The same binary runs
// them either inside a debug pod on the node (host / mounted at /host,
// hostPID) through the hidden `kubectl-akash agent <check>` command, which
// prints one JSON report on stdout, or on this machine with --local.
package agent

import "time"

// Env says where a check finds the host it inspects.
type Env struct {
	// HostRoot is the host's / ("/" with --local, "/host" in a debug pod).
	HostRoot string
	// ProcRoot is the host's /proc ("/proc" in both cases: debug pods run
	// with hostPID).
	ProcRoot string
	// NodeName names the node in reports.
	NodeName string
	// Now is the clock, passed in so reports are reproducible in tests.
	Now func() time.Time
}
