package renew

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// AgentStep is one run of the node side, `kubectl-akash agent certs-renew
// STEP` (or `read FILE`), on the node.
type AgentStep struct {
	// Step is the node-side step (certs.Step*), or "read" with File.
	Step, File string
	// Ops are the node's settings; Host and Proc are set, Defaults not yet.
	Ops     *certs.NodeOps
	Restart certs.Restart
	// Yes is the --yes of a plan the operator confirmed; a step that
	// changes the node refuses to run without it.
	Yes bool
	// Token is the guardian's run token (StepGuard only).
	Token string
	// Flags are this invocation's flags (--name=value): the guardian of a
	// restart gets the same.
	Flags []string
}

// RunAgent runs a on the node and prints its report (the file, for read)
// to out. A step that failed has printed its report and returns
// cli.Silent(cli.ExitFailure).
func RunAgent(ctx context.Context, a AgentStep, out io.Writer) error {
	ops := a.Ops
	ops.Defaults()
	if a.Step == "read" && a.File != "" {
		src, err := os.Open(filepath.Join(ops.Host.Root, a.File))
		if err != nil {
			return err
		}
		defer src.Close()
		_, err = io.Copy(out, src)
		return err
	}
	if ChangesTheNode(a.Step) && !a.Yes {
		return fmt.Errorf("agent certs-renew %s changes the node and never asks: it runs only as a step of a confirmed `kubectl akash certs renew` plan (which passes --yes)", a.Step)
	}
	switch a.Step {
	case certs.StepK3sRotate:
		// The exec stream goes when k3s (its API server and kubelet)
		// stops; the rotation must still reach its start.
		signal.Ignore(syscall.SIGHUP, syscall.SIGPIPE)
	case certs.StepGuard:
		return runGuard(ctx, ops, a.Restart, a.Token, out)
	case certs.StepRestart:
		argv, err := guardArgv(a.Flags)
		if err != nil {
			return err
		}
		ops.GuardArgv = argv
	}
	rep := ops.RunStep(ctx, a.Step, a.Restart)
	if err := json.NewEncoder(out).Encode(rep); err != nil {
		return err
	}
	if rep.Error != "" {
		return cli.Silent(cli.ExitFailure)
	}
	return nil
}

// ChangesTheNode reports whether a step writes to the node (everything but
// reading: probe, restart-status, k3s-rotate-status, read). Such a step
// run by hand, outside a plan, is refused.
func ChangesTheNode(step string) bool {
	switch step {
	case certs.StepProbe, certs.StepRestartStatus, certs.StepK3sStatus, "read":
		return false
	}
	return true
}

// guardArgv is how restart-static-pod starts its guardian: this binary,
// `agent certs-renew guard`, and every flag this invocation was given.
func guardArgv(flags []string) ([]string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding this program to start the restart's guardian: %w", err)
	}
	return append([]string{exe, "agent", "certs-renew", certs.StepGuard}, flags...), nil
}

// runGuard is the guardian process: no hangup or broken pipe ends it
// (SIGINT and SIGTERM end its wait, and the manifest goes back at once);
// its status goes to the node file the agent reads, and to out.
func runGuard(ctx context.Context, ops *certs.NodeOps, r certs.Restart, token string, out io.Writer) error {
	signal.Ignore(syscall.SIGHUP, syscall.SIGPIPE)
	st := ops.Guard(ctx, r, token)
	_ = json.NewEncoder(out).Encode(st)
	if st.Error != "" {
		return cli.Silent(cli.ExitFailure)
	}
	return nil
}
