//go:build !linux

package zombies

import (
	"context"
	"fmt"
	"runtime"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// The scan reads a Linux node's /proc and the escalation signals its
// processes: both run on the node, so off Linux they only say so.

// Scan fails: zombies are scanned on a Linux node.
func Scan(agent.Env) (*Report, error) {
	return nil, fmt.Errorf("the zombie scan reads a Linux node's /proc: it runs on Linux, not %s", runtime.GOOS)
}

func escalate(context.Context, procfs.FS, *Parent, KillOptions, []Key) execute.Outcome {
	return execute.Outcome{Result: execute.Failed, Message: "nothing sent: signals reach a Linux node's processes from Linux only, not " + runtime.GOOS}
}
