package execute

import (
	"context"

	cmdutil "k8s.io/kubectl/pkg/cmd/util"
)

// LocalFunc is the payload of Backup and Wait actions: work done from this
// machine (write the backup, watch for pods), which says what it did.
type LocalFunc func(ctx context.Context) (message string, err error)

// Local applies actions whose payload is a LocalFunc (backups, waits). A
// dry run does neither: nothing was changed that a wait could see.
type Local struct{}

// Apply runs the action's LocalFunc.
func (Local) Apply(ctx context.Context, a *Action, dryRun cmdutil.DryRunStrategy) Outcome {
	f, ok := a.Payload.(LocalFunc)
	if !ok {
		return Outcome{Result: Failed, Message: "a local action without its function: this is a bug"}
	}
	if dryRun != cmdutil.DryRunNone {
		return Outcome{Result: DryRun, Message: "would " + a.Describe() + " (dry run: nothing written)"}
	}
	msg, err := f(ctx)
	if err != nil {
		return Outcome{Result: Failed, Message: err.Error()}
	}
	return Outcome{Result: Succeeded, Message: msg}
}

// NewWait plans waiting for what the actions before it started (new pods
// Ready); a wait is cut by the first Ctrl-C, unlike a change.
func NewWait(what string, wait LocalFunc) *Action {
	return &Action{Verb: Wait, Target: Target{Resource: "wait", Kind: "Wait", Name: what}, Payload: wait, Interruptible: true, Outcome: Outcome{Result: Planned}}
}

// NewBackup plans a backup written by write, named after what it holds.
func NewBackup(what string, write LocalFunc) *Action {
	return &Action{Verb: Backup, Target: Target{Resource: "file", Kind: "Backup", Name: what}, Payload: write, Outcome: Outcome{Result: Planned}}
}
