package nodedebug

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
)

// PauseOptions are `agent pause`'s: how long the pod may idle.
type PauseOptions struct {
	For time.Duration `json:"for"`
}

// Pause is `kubectl-akash agent pause`, every debug pod's main process: it
// idles until the pod is deleted (SIGTERM) or For passes, so a pod whose
// plugin died never outlives its budget.
var Pause = &agent.Command[PauseOptions, struct{}]{
	Name:     "pause",
	Short:    "Idle until SIGTERM or --for passes (the debug pod's main process)",
	Defaults: PauseOptions{For: time.Hour},
	Raw:      true,
	Run: func(ctx context.Context, _ agent.Env, o PauseOptions) (struct{}, error) {
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
		defer signal.Stop(sigs)
		select {
		case <-sigs:
		case <-time.After(o.For):
		case <-ctx.Done():
		}
		return struct{}{}, nil
	},
}

func init() { agent.Register(Pause, Shell) }
