package agent

import (
	"encoding/json"
	"fmt"
)

// The agent's command line in a debug pod.
const (
	// Program is the first word of every agent command line; the debug pod
	// maps it to the image's absolute path.
	Program = "kubectl-akash"
	// Verb is the hidden command under which every Command is a subcommand.
	Verb = "agent"
	// PodHostRoot is where a debug pod mounts the host's /.
	PodHostRoot = "/host"
	// PodProcRoot is the host's /proc in a debug pod (it runs with hostPID).
	PodProcRoot = "/proc"
	// OptionsFlag carries a command's options as JSON.
	OptionsFlag = "options"
)

// Argv is the command line that runs the command name on a node, in a debug
// pod: the host's root and /proc where the pod has them, and opts as one
// JSON --options flag, so that a new option needs no flag, no argv and no
// parser. It is the only place an agent command line is built.
//
// Options are plain data declared in code; one that encoding/json cannot
// encode (a channel, a func) is a bug, which Argv reports by panicking (each
// declaration's test builds its Argv once).
func Argv(name string, opts any) []string {
	b, err := json.Marshal(opts)
	if err != nil {
		panic(fmt.Sprintf("agent %s: its options cannot be encoded: %v", name, err))
	}
	return []string{Program, Verb, name, "--host-root=" + PodHostRoot, "--proc-root=" + PodProcRoot, "--" + OptionsFlag + "=" + string(b)}
}

// ExitError is the agent's exit code when a command could not run at all
// (bad options, an error of its Run): there is then no report on stdout.
// A Command's Exit policy must not use it for a report.
const ExitError = 1

// Answer is what one run of the agent on one node gave back: what it
// printed, how it exited, and why the run failed (the pod did not start,
// the exec broke, or the agent exited non-zero; Err then says which).
type Answer struct {
	Node     string
	Stdout   []byte
	ExitCode int
	Err      error
}

// NotReportError is an answer that is not the report the command prints: the
// debug pod's --image holds another version of kubectl-akash, or another
// program altogether.
type NotReportError struct {
	Command string
	// Why the answer did not decode.
	Why error
	// Stdout is the start of what the agent printed.
	Stdout []byte
}

func (e *NotReportError) Error() string {
	return fmt.Sprintf("the agent's answer is not the report of `agent %s` (is --image this version of kubectl-akash?): %v: %.200q", e.Command, e.Why, e.Stdout)
}
