package cmd

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/provider"
)

// ProviderRestartOptions are the options of `provider restart`.
type ProviderRestartOptions struct {
	*Globals
	Output  *output.Flags
	Exec    *execute.Options
	Timeout time.Duration
}

// NewProviderRestartOptions returns the defaults: wait up to 5m for the
// replacements.
func NewProviderRestartOptions(g *Globals) *ProviderRestartOptions {
	return &ProviderRestartOptions{Globals: g, Output: output.NewFlags(), Exec: execute.NewOptions(), Timeout: 5 * time.Minute}
}

func newProviderRestartCmd(g *Globals) *cobra.Command {
	o := NewProviderRestartOptions(g)
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
			if err := o.Exec.Complete(cmd); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Output.AddFlags(cmd)
	o.Exec.AddFlags(cmd)
	cmd.Flags().DurationVar(&o.Timeout, "timeout", o.Timeout, "How long to wait for the new provider pod(s) to be Ready.")
	return cmd
}

// Validate checks flags without I/O.
func (o *ProviderRestartOptions) Validate() error {
	if err := cli.FirstError(o.Output.Validate, o.Exec.Validate); err != nil {
		return err
	}
	if o.Timeout <= 0 {
		return fmt.Errorf("--timeout must be positive, got %s", o.Timeout)
	}
	return nil
}

// Run reads the provider pods (one LIST), plans their deletes and the wait
// for their replacements, and runs the plan through the executor.
func (o *ProviderRestartOptions) Run(ctx context.Context) error {
	c, err := o.Clients()
	if err != nil {
		return err
	}
	pods, err := provider.ReadPods(ctx, c, o.ProviderNamespace)
	if err != nil {
		return err
	}
	var progress io.Writer
	if o.Output.Human() {
		progress = o.Streams.ErrOut
	}
	list, plan := provider.PlanRestart(pods, c.Kube.CoreV1().Pods(o.ProviderNamespace), o.Timeout, progress)
	flow := &execute.Flow{
		Options: o.Exec, Streams: o.Streams, Output: o.Output,
		Result: list,
		Table:  func() *output.Table { return provider.RestartTable(list.Items) },
		Plan:   plan,
		Engine: o.Exec.NewEngine().
			Register(o.Exec.NewKube(c.Dynamic, o.LeaseNamespace, o.ProviderNamespace), execute.Delete).
			Register(execute.Local{}, execute.Wait),
		Question: fmt.Sprintf("Delete %d akash-provider pod(s) in %s; the StatefulSet re-creates them.", len(pods), o.ProviderNamespace),
	}
	return flow.Run(ctx)
}
