// Package agent is the node side of kubectl-akash and the one home of its
// protocol. The same binary runs on a node, inside a debug pod (host / at
// /host, hostPID), as the hidden `kubectl-akash agent NAME` command, or on
// this machine with --local.
//
// Everything the plugin runs on a node is a Command declared once, in the
// package of its domain (nodecheck, gpu, certs, nodeinfo, nodedebug): its
// name, its typed options, the function that runs on the node and its typed
// report. From that declaration come
//
//   - the hidden agent subcommand (NewCommand loops over Commands),
//   - its command line in a debug pod (Argv: the options travel as one JSON
//     --options flag, never re-serialised flag by flag),
//   - the decoding of a node's answer into the typed report (Decode, with one
//     sentence for an answer that is not a report),
//   - and --local, which calls Run directly.
package agent

import (
	"io"
	"time"
)

// Env says where a command finds the host it inspects.
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
	// Stderr receives a command's notes to the operator (the host shell's
	// "no nsenter here"); nil discards them. Reports go to stdout only.
	Stderr io.Writer
}

// Notes is where a command's notes go: Stderr, or nowhere when it is nil.
func (e Env) Notes() io.Writer {
	if e.Stderr == nil {
		return io.Discard
	}
	return e.Stderr
}
