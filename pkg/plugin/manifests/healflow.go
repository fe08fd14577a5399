package manifests

import (
	"context"
	"fmt"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/dynamic"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/rollout"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// Healer applies the plan of manifests heal through the executor.
type Healer struct {
	Exec    *execute.Options
	Streams genericiooptions.IOStreams
	Output  *output.Flags
	Dynamic dynamic.Interface
	// LeaseNamespace and ProviderNamespace bound the executor's guard.
	LeaseNamespace, ProviderNamespace string
	// RestartProvider deletes the akash-provider pods once a patch landed.
	RestartProvider bool
	// Backup is written before any patch.
	Backup Backup
}

// Run backs up, patches the lost commands of items back into their
// Manifests and, with RestartProvider, restarts the provider (the pods of
// snap). A service that could not be healed makes the exit code 1.
func (h Healer) Run(ctx context.Context, snap *snapshot.Snapshot, items []rollout.LostCommand) error {
	patches := rollout.Patches(items)
	failed := 0
	for i := range items {
		if items[i].Status.Error != "" {
			failed++
		}
	}
	pods := snap.ProviderPods
	if !h.RestartProvider || len(patches) == 0 {
		pods = nil
	} else if len(pods) == 0 {
		fmt.Fprintf(h.Streams.ErrOut, "warning: no akash-provider pod (label app=akash-provider) in namespace %s: restart the provider yourself after healing\n", h.ProviderNamespace)
	}
	heal := PlanHeal(items, pods, h.Backup.Action(snap))
	flow := &execute.Flow{
		Options: h.Exec, Streams: h.Streams, Output: h.Output,
		Result: rollout.LostCommandsList(items),
		Table:  func() *output.Table { return rollout.LostCommandTable(items) },
		Plan:   heal.Plan,
		Engine: h.Exec.NewEngine().
			Register(h.Exec.NewKube(h.Dynamic, h.LeaseNamespace, h.ProviderNamespace), execute.Delete, execute.Patch).
			Register(execute.Local{}, execute.Backup),
		Question: fmt.Sprintf("Patch %d Manifest service(s); a backup is written first.", len(patches)),
		After: func() {
			if h.Exec.DryRun == cmdutil.DryRunNone {
				heal.MarkRestarted()
			}
		},
	}
	err := flow.Run(ctx)
	if err == nil && failed > 0 {
		return &cli.ExitError{Code: cli.ExitFailure, Err: fmt.Errorf("%d service(s) could not be healed (see MESSAGE)", failed)}
	}
	return err
}
