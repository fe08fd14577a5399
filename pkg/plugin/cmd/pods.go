package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/failedpods"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/schedule"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// NewPodsCmd builds `kubectl akash pods`.
func NewPodsCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "pods",
		Aliases: []string{"pod", "po"},
		Short:   "Clean up tenant pods that failed for good",
		GroupID: groupWorkloads,
	}
	cmd.AddCommand(NewCleanFailedCmd(g))
	return cmd
}

// CleanFailedOptions are the options of `pods clean-failed`.
type CleanFailedOptions struct {
	*Globals
	Output    *output.Flags
	Exec      *execute.Options
	Schedule  schedule.Flags
	MinAge    time.Duration
	ChunkSize int64
	Selector  string

	namespace string
}

// NewCleanFailedOptions returns the defaults: --min-age 10m.
func NewCleanFailedOptions(g *Globals) *CleanFailedOptions {
	return &CleanFailedOptions{Globals: g, Output: output.NewFlags(), Exec: execute.NewOptions(), MinAge: 10 * time.Minute}
}

// NewCleanFailedCmd builds `kubectl akash pods clean-failed`.
func NewCleanFailedCmd(g *Globals) *cobra.Command {
	o := NewCleanFailedOptions(g)
	cmd := &cobra.Command{
		Use:   "clean-failed",
		Short: "Delete the Failed pods of lease namespaces, saying per lease what failed and why",
		Long: longDesc(`
			Pods of a lease that failed for good (evicted, OOM-killed, a container that
			could not run) stay in the cluster as Failed until someone deletes them; the
			provider playbooks run "kubectl delete pods -A -l akash.network=true
			--field-selector status.phase=Failed" from cron for that.

			clean-failed reads the Failed pods in one LIST, keeps only those in lease
			namespaces (named after their lease and labelled with it), says for each its
			lease, service, node and why it failed, and deletes those that failed more than
			--min-age ago, each with its UID and resourceVersion as preconditions. Running
			pods are never read, let alone deleted.`),
		Example: examples(`
			# What would be deleted, and why each pod failed
			kubectl akash pods clean-failed --dry-run=client

			# From a CronJob in the cluster, every 10 minutes
			kubectl akash pods clean-failed --schedule '*/10 * * * *' | kubectl apply -f -`),
		Args: cobra.NoArgs,
		RunE: runScheduled(o, &o.Schedule, func(cmd *cobra.Command) error {
			return o.Schedule.Print(&o.Globals.Globals, cmd, o.Output, "clean-failed", cleanFailedRules(o))
		}),
	}
	o.Output.AddFlags(cmd)
	cli.AddAllNamespacesFlag(cmd)
	o.Exec.AddFlags(cmd)
	o.Schedule.AddFlags(cmd)
	cmd.Flags().DurationVar(&o.MinAge, "min-age", o.MinAge, "Keep pods that failed less than this long ago (their logs may still be wanted).")
	cmd.Flags().StringVarP(&o.Selector, "selector", "l", "", "Only pods matching this label selector (e.g. akash.network/manifest-service=web).")
	output.AddChunkSizeFlag(cmd, &o.ChunkSize)
	return cmd
}

// Complete reads -n and --dry-run.
func (o *CleanFailedOptions) Complete(cmd *cobra.Command) error {
	o.namespace = o.NamespaceFlag(cmd)
	return o.Exec.Complete(cmd)
}

// Validate checks flags without I/O.
func (o *CleanFailedOptions) Validate() error {
	if err := cli.FirstError(o.Output.Validate, o.Exec.Validate, cli.SelectorCheck(o.Selector)); err != nil {
		return err
	}
	if o.MinAge < 0 {
		return fmt.Errorf("--min-age must not be negative, got %s", o.MinAge)
	}
	return output.ValidateChunkSize(o.ChunkSize)
}

// Run reads the Failed lease pods and their namespaces (two LISTs), and
// deletes the ones old enough through the executor.
func (o *CleanFailedOptions) Run(ctx context.Context) error {
	clients, err := o.Clients()
	if err != nil {
		return err
	}
	snap, err := snapshot.Load(ctx, clients, o.readSpec())
	if err != nil {
		return err
	}
	if err := snapshot.RequireNamespace(ctx, clients, snap, o.namespace); err != nil {
		return err
	}
	items := failedpods.Find(snap, failedpods.Options{Now: time.Now(), MinAge: o.MinAge})
	if len(items) == 0 && o.Output.Human() {
		fmt.Fprintln(o.Streams.ErrOut, "No Failed pods in lease namespaces.")
		return nil
	}
	flow := failedpods.Flow(items, o.Exec, clients.Dynamic, o.LeaseNamespace, o.ProviderNamespace)
	flow.Streams, flow.Output = o.Streams, o.Output
	return flow.Run(ctx)
}

// readSpec is what clean-failed reads: the lease namespaces and the Failed
// lease pods.
func (o *CleanFailedOptions) readSpec() snapshot.Spec {
	return failedpods.CleanSpec(o.namespace, o.ChunkSize, o.Selector)
}

// cleanFailedRules are exactly the calls `pods clean-failed` makes: its
// reads (readSpec), a GET of the -n namespace, and DELETE of the pods.
func cleanFailedRules(o *CleanFailedOptions) []schedule.Rule {
	return schedule.Merge(o.readSpec().Rules(), schedule.NamespaceGet(o.namespace), []schedule.Rule{schedule.Writes(o.namespace, "", "pods", string(execute.Delete))})
}
