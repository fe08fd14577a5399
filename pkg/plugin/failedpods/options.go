package failedpods

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/schedule"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// CleanFailedOptions are the options of `pods clean-failed`.
type CleanFailedOptions struct {
	*cli.Globals
	Output    *output.Flags
	Exec      *execute.Options
	Schedule  schedule.Flags
	MinAge    time.Duration
	ChunkSize int64
	Selector  string

	namespace string
}

// NewCleanFailedOptions returns the defaults: --min-age 10m.
func NewCleanFailedOptions(g *cli.Globals) *CleanFailedOptions {
	return &CleanFailedOptions{Globals: g, Output: output.NewFlags(), Exec: execute.NewOptions(), MinAge: 10 * time.Minute}
}

// Complete reads -n and --dry-run.
func (o *CleanFailedOptions) Complete(cmd *cobra.Command) error {
	o.namespace = o.NamespaceFlag(cmd)
	return o.Exec.Complete(cmd)
}

// Validate checks flags without I/O.
func (o *CleanFailedOptions) Validate() error {
	return cli.FirstError(o.Output.Validate, o.Exec.Validate, cli.SelectorCheck(o.Selector), cli.NotNegative("--min-age", o.MinAge),
		func() error { return output.ValidateChunkSize(o.ChunkSize) })
}

// Run reads the Failed lease pods and their namespaces (two LISTs), and
// deletes the ones old enough through the executor.
func (o *CleanFailedOptions) Run(ctx context.Context) error {
	clients, snap, err := snapshot.LoadChecked(ctx, o.Globals, o.readSpec())
	if err != nil {
		return err
	}
	items := Find(snap, Options{Now: time.Now(), MinAge: o.MinAge})
	if len(items) == 0 && o.Output.Human() {
		fmt.Fprintln(o.Streams.ErrOut, "No Failed pods in lease namespaces.")
		return nil
	}
	flow := Flow(items, o.Exec, clients.Dynamic, o.LeaseNamespace, o.ProviderNamespace)
	flow.Streams, flow.Output = o.Streams, o.Output
	return flow.Run(ctx)
}

// PrintSchedule is --schedule: the CronJob of clean-failed, with
// ScheduleRules.
func (o *CleanFailedOptions) PrintSchedule(cmd *cobra.Command) error {
	return o.Schedule.Print(o.Globals, cmd, o.Output, "clean-failed", o.ScheduleRules())
}

// ScheduleRules are exactly the calls clean-failed makes: its reads
// (readSpec), a GET of the -n namespace, and DELETE of the pods.
func (o *CleanFailedOptions) ScheduleRules() []schedule.Rule {
	return schedule.Merge(o.readSpec().Rules(), schedule.NamespaceGet(o.namespace), []schedule.Rule{schedule.Writes(o.namespace, "", "pods", string(execute.Delete))})
}

// readSpec is what clean-failed reads: the lease namespaces and the Failed
// lease pods.
func (o *CleanFailedOptions) readSpec() snapshot.Spec {
	return CleanSpec(o.namespace, o.ChunkSize, o.Selector)
}
