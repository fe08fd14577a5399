package provider

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// RestartOptions are the options of `provider restart`.
type RestartOptions struct {
	*cli.Globals
	Output  *output.Flags
	Exec    *execute.Options
	Timeout time.Duration
}

// NewRestartOptions returns the defaults: wait up to 5m for the
// replacements.
func NewRestartOptions(g *cli.Globals) *RestartOptions {
	return &RestartOptions{Globals: g, Output: output.NewFlags(), Exec: execute.NewOptions(), Timeout: 5 * time.Minute}
}

// Complete reads the mutation flags (--dry-run, --yes) as cobra parsed them.
func (o *RestartOptions) Complete(cmd *cobra.Command) error { return o.Exec.Complete(cmd) }

// Validate checks flags without I/O.
func (o *RestartOptions) Validate() error {
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
func (o *RestartOptions) Run(ctx context.Context) error {
	c, err := o.Clients()
	if err != nil {
		return err
	}
	pods, err := ReadPods(ctx, c, o.ProviderNamespace)
	if err != nil {
		return err
	}
	var progress io.Writer
	if o.Output.Human() {
		progress = o.Streams.ErrOut
	}
	list, plan := PlanRestart(pods, c.Kube.CoreV1().Pods(o.ProviderNamespace), o.Timeout, progress)
	flow := &execute.Flow{
		Options: o.Exec, Streams: o.Streams, Output: o.Output,
		Result: list,
		Table:  func() *output.Table { return RestartTable(list.Items) },
		Plan:   plan,
		Engine: o.Exec.NewEngine().
			Register(o.Exec.NewKube(c.Dynamic, o.LeaseNamespace, o.ProviderNamespace), execute.Delete).
			Register(execute.Local{}, execute.Wait),
		Question: fmt.Sprintf("Delete %d akash-provider pod(s) in %s; the StatefulSet re-creates them.", len(pods), o.ProviderNamespace),
	}
	return flow.Run(ctx)
}
