package cmd

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/provider"
)

func newProviderRestartCmd(g *Globals) *cobra.Command {
	out, exec := output.NewFlags(), execute.NewOptions()
	timeout := 5 * time.Minute
	cmd := &cobra.Command{
		Use:   "restart",
		Short: "Delete the akash-provider pod(s) and wait until the replacement is Ready",
		Long: longDesc(`
			Deletes each akash-provider pod (with its UID as a precondition, so a pod
			that was already replaced is left alone) and then watches until as many new
			provider pods — pods with other UIDs — are Ready as were deleted, or until
			--timeout. The provider re-reads its Manifests and chain state on start, which
			is what manifests heal needs afterwards.

			The plan is printed first; it acts after --yes or an interactive y, and
			--dry-run=client|server rehearses the delete without waiting.`),
		Example: examples(`
			kubectl akash provider restart --yes
			kubectl akash provider restart --dry-run=server`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := exec.Complete(cmd); err != nil {
				return err
			}
			if err := out.Validate(); err != nil {
				return err
			}
			if err := exec.Validate(); err != nil {
				return err
			}
			if timeout <= 0 {
				return fmt.Errorf("--timeout must be positive, got %s", timeout)
			}
			c, err := g.Clients()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			pods, err := listProviderPods(ctx, c, g.ProviderNamespace)
			if err != nil {
				return err
			}
			var progress io.Writer
			if out.Human() {
				progress = g.Streams.ErrOut
			}
			list, plan := provider.PlanRestart(pods, c.Kube.CoreV1().Pods(g.ProviderNamespace), timeout, progress)
			flow := &execute.Flow{
				Options: exec, Streams: g.Streams, Output: out,
				Result: list,
				Table:  func() *output.Table { return provider.RestartTable(list.Items) },
				Plan:   plan,
				Engine: exec.NewEngine().
					Register(exec.NewKube(c.Dynamic, g.LeaseNamespace, g.ProviderNamespace), execute.Delete).
					Register(execute.Local{}, execute.Wait),
				Question: fmt.Sprintf("Delete %d akash-provider pod(s) in %s; the StatefulSet re-creates them.", len(pods), g.ProviderNamespace),
			}
			return flow.Run(ctx)
		},
	}
	out.AddFlags(cmd)
	exec.AddFlags(cmd)
	cmd.Flags().DurationVar(&timeout, "timeout", timeout, "How long to wait for the new provider pod(s) to be Ready.")
	return cmd
}
