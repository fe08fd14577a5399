package zombies

import (
	"fmt"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

// Exit is the check's exit code: 1 when a node could not be checked, 3
// when zombies (not cleared by --kill) or PID pressure remain, else nil.
func (l *List) Exit() error {
	failed, findings := 0, 0
	for _, r := range l.Items {
		if r.Status.Error != "" {
			failed++
			continue
		}
		if r.Status.PIDPressure {
			findings++
		}
		for _, p := range r.Status.Parents {
			cleared := p.Action != nil && p.Action.Result == execute.Succeeded
			if !cleared || (p.Pids != nil && p.Pids.Pressure) {
				findings++
			}
		}
	}
	if failed > 0 {
		return &cli.ExitError{Code: cli.ExitFailure, Err: fmt.Errorf("%d node(s) could not be checked (see the table)", failed)}
	}
	if findings > 0 {
		return cli.Silent(cli.ExitFindings)
	}
	return nil
}

// Assess marks PID pressure at percent of a limit on every node (see
// Report.Assess).
func (l *List) Assess(percent int) {
	for _, r := range l.Items {
		r.Assess(percent)
	}
}
