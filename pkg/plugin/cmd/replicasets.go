package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/klog/v2"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/rollout"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/schedule"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// NewReplicaSetsCmd builds `kubectl akash replicasets`.
func NewReplicaSetsCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "replicasets",
		Aliases: []string{"rs", "replicaset"},
		Short:   "Repair tenant rollouts stuck on a full provider",
		GroupID: groupWorkloads,
	}
	cmd.AddCommand(NewForceNewCmd(g))
	return cmd
}

// ForceNewOptions are the options of `replicasets force-new`.
type ForceNewOptions struct {
	*Globals
	Output    *output.Flags
	Exec      *execute.Options
	MinAge    time.Duration
	Watch     bool
	Interval  time.Duration
	ChunkSize int64
	Selector  string
	Schedule  schedule.Flags

	namespace string
}

// NewForceNewOptions returns the defaults: --min-age 2m, --interval 5m.
func NewForceNewOptions(g *Globals) *ForceNewOptions {
	return &ForceNewOptions{Globals: g, Output: output.NewFlags(), Exec: execute.NewOptions(), MinAge: 2 * time.Minute, Interval: 5 * time.Minute}
}

// NewForceNewCmd builds `kubectl akash replicasets force-new`.
func NewForceNewCmd(g *Globals) *cobra.Command {
	o := NewForceNewOptions(g)
	cmd := &cobra.Command{
		Use:   "force-new",
		Short: "Delete the older ReplicaSets of Deployments whose update cannot schedule",
		Long: longDesc(`
			When a tenant updates a deployment on a full provider, Kubernetes keeps the
			old pod until the new one runs, and the new pod stays Pending with
			"Insufficient cpu" (memory, nvidia.com/gpu, ...): the update never lands.

			force-new finds those Deployments in one pass over the cluster — not
			complete by kubectl's rollout-status rules, and a pod of the new ReplicaSet
			unschedulable for insufficient resources — and deletes the older ReplicaSets
			owned by that Deployment (only those that still hold pods; empty ones are
			kept as rollout history), so the new pod can schedule. ReplicaSets of other
			Deployments, such as a healthy sibling service of the same lease, are never
			touched.`),
		Example: examples(`
			# What would be deleted, and why
			kubectl akash replicasets force-new --dry-run=client

			# Repair, without a prompt (e.g. from a CronJob)
			kubectl akash replicasets force-new --yes

			# Keep running and repair as rollouts get stuck
			kubectl akash replicasets force-new --watch --interval 5m --yes`),
		Args: cobra.NoArgs,
		RunE: runScheduled(o, &o.Schedule, func(cmd *cobra.Command) error {
			o.scheduleNote(cmd.Context())
			return o.Schedule.Print(&o.Globals.Globals, cmd, o.Output, "force-new", forceNewRules(o))
		}),
	}
	o.Output.AddFlags(cmd)
	cli.AddAllNamespacesFlag(cmd)
	o.Exec.AddFlags(cmd)
	o.Schedule.AddFlags(cmd)
	cmd.Flags().DurationVar(&o.MinAge, "min-age", o.MinAge, "Leave alone updates that started less than this long ago: they may still schedule.")
	cmd.Flags().BoolVarP(&o.Watch, "watch", "w", false, "Keep running: look again every --interval and repair what got stuck (needs --yes or --dry-run).")
	cmd.Flags().DurationVar(&o.Interval, "interval", o.Interval, "With --watch, the time between two passes.")
	cmd.Flags().StringVarP(&o.Selector, "selector", "l", "", "Only Deployments, StatefulSets, ReplicaSets and pods matching this label selector (e.g. akash.network/manifest-service=web).")
	output.AddChunkSizeFlag(cmd, &o.ChunkSize)
	return cmd
}

// scheduleNote says, before the CronJob is printed, whether this provider
// still needs it (advice only: nothing when the cluster cannot be read).
func (o *ForceNewOptions) scheduleNote(ctx context.Context) {
	if clients, err := o.Clients(); err == nil {
		if note := rollout.ReadScheduleNote(ctx, clients, o.namespace, o.ChunkSize, o.Selector); note != "" {
			fmt.Fprintln(o.Streams.ErrOut, note)
		}
	}
}

// Complete reads -n and --dry-run.
func (o *ForceNewOptions) Complete(cmd *cobra.Command) error {
	o.namespace = o.NamespaceFlag(cmd)
	return o.Exec.Complete(cmd)
}

// Validate checks flags without I/O.
func (o *ForceNewOptions) Validate() error {
	if err := cli.FirstError(o.Output.Validate, o.Exec.Validate, cli.SelectorCheck(o.Selector)); err != nil {
		return err
	}
	if o.MinAge < 0 {
		return fmt.Errorf("--min-age must not be negative, got %s", o.MinAge)
	}
	if o.Watch && o.Interval < time.Second {
		return fmt.Errorf("--interval must be at least 1s, got %s", o.Interval)
	}
	if o.Watch && o.Exec.NeedsConfirmation() {
		return fmt.Errorf("--watch acts unattended: pass --yes, or --dry-run=client|server to only report")
	}
	return nil
}

// Run repairs once, or every --interval with --watch until interrupted.
func (o *ForceNewOptions) Run(ctx context.Context) error {
	if !o.Watch {
		return o.runOnce(ctx)
	}
	for {
		if err := o.runOnce(ctx); err != nil {
			// One bad pass (API unreachable, a conflict) must not stop the watch.
			fmt.Fprintf(o.Streams.ErrOut, "%s error: %v\n", time.Now().UTC().Format(time.RFC3339), err)
		}
		select {
		case <-ctx.Done():
			fmt.Fprintln(o.Streams.ErrOut, "stopping: interrupted")
			return nil
		case <-time.After(o.Interval):
		}
	}
}

// readSpec is what a pass reads first; eventsSpec what it reads when a
// stuck rollout's pod needs its FailedScheduling events. The --schedule
// RBAC is made from both.
func (o *ForceNewOptions) readSpec() snapshot.Spec {
	return rollout.StuckSnapshotSpec(o.namespace, o.ChunkSize, o.Selector)
}

func (o *ForceNewOptions) eventsSpec() snapshot.Spec {
	return rollout.EventsSpec(o.namespace, o.ChunkSize)
}

// runOnce reads the cluster once (and the scheduling events when needed)
// and deletes the older ReplicaSets of the stuck Deployments.
func (o *ForceNewOptions) runOnce(ctx context.Context) error {
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
	if err := rollout.AddEvents(ctx, clients, snap, o.namespace, o.ChunkSize); err != nil {
		return err
	}
	items := rollout.FindStuck(snap, rollout.StuckOptions{Now: time.Now(), MinAge: o.MinAge})
	klog.V(2).Infof("force-new: %d deployments, %d replicasets, %d pending pods, %d events read; %d stuck", len(snap.Deployments), len(snap.ReplicaSets), len(snap.Pods), len(snap.Events), len(items))
	switch {
	case len(items) == 0 && o.Watch:
		return nil
	case len(items) == 0 && o.Output.Human():
		fmt.Fprintln(o.Streams.ErrOut, "No stuck rollouts found.")
		return nil
	case o.Watch:
		fmt.Fprintf(o.Streams.ErrOut, "%s found %d stuck rollout(s)\n", time.Now().UTC().Format(time.RFC3339), len(items))
	}
	flow := rollout.StuckFlow(items, o.Exec, clients.Dynamic, o.LeaseNamespace, o.ProviderNamespace)
	flow.Streams, flow.Output = o.Streams, o.Output
	return flow.Run(ctx)
}
