package rollout

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/klog/v2"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/schedule"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// ForceNewOptions are the options of `replicasets force-new`.
type ForceNewOptions struct {
	*cli.Globals
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
func NewForceNewOptions(g *cli.Globals) *ForceNewOptions {
	return &ForceNewOptions{Globals: g, Output: output.NewFlags(), Exec: execute.NewOptions(), MinAge: 2 * time.Minute, Interval: 5 * time.Minute}
}

// Complete reads -n and --dry-run.
func (o *ForceNewOptions) Complete(cmd *cobra.Command) error {
	o.namespace = o.NamespaceFlag(cmd)
	return o.Exec.Complete(cmd)
}

// Validate checks flags without I/O.
func (o *ForceNewOptions) Validate() error {
	if err := cli.FirstError(o.Output.Validate, o.Exec.Validate, cli.SelectorCheck(o.Selector), cli.NotNegative("--min-age", o.MinAge)); err != nil {
		return err
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

// PrintSchedule is --schedule: it says first whether this provider still
// needs the CronJob, then prints it with ScheduleRules.
func (o *ForceNewOptions) PrintSchedule(cmd *cobra.Command) error {
	o.scheduleNote(cmd.Context())
	return o.Schedule.Print(o.Globals, cmd, o.Output, "force-new", o.ScheduleRules())
}

// ScheduleRules are exactly the calls force-new makes: its reads
// (readSpec, and eventsSpec when a stuck pod needs its events), a GET of
// the -n namespace, and DELETE of ReplicaSets. Without -n, lease workloads
// live in namespaces created per lease, so the rules are cluster-wide.
func (o *ForceNewOptions) ScheduleRules() []schedule.Rule {
	return schedule.Merge(o.readSpec().Rules(), o.eventsSpec().Rules(), schedule.NamespaceGet(o.namespace),
		[]schedule.Rule{schedule.Writes(o.namespace, "apps", "replicasets", string(execute.Delete))})
}

// scheduleNote says, before the CronJob is printed, whether this provider
// still needs it (advice only: nothing when the cluster cannot be read).
func (o *ForceNewOptions) scheduleNote(ctx context.Context) {
	if clients, err := o.Clients(); err == nil {
		if note := ReadScheduleNote(ctx, clients, o.namespace, o.ChunkSize, o.Selector); note != "" {
			fmt.Fprintln(o.Streams.ErrOut, note)
		}
	}
}

// readSpec is what a pass reads first; eventsSpec what it reads when a
// stuck rollout's pod needs its FailedScheduling events. The --schedule
// RBAC is made from both.
func (o *ForceNewOptions) readSpec() snapshot.Spec {
	return StuckSnapshotSpec(o.namespace, o.ChunkSize, o.Selector)
}

func (o *ForceNewOptions) eventsSpec() snapshot.Spec {
	return EventsSpec(o.namespace, o.ChunkSize)
}

// runOnce reads the cluster once (and the scheduling events when needed)
// and deletes the older ReplicaSets of the stuck Deployments.
func (o *ForceNewOptions) runOnce(ctx context.Context) error {
	clients, snap, err := snapshot.LoadChecked(ctx, o.Globals, o.readSpec())
	if err != nil {
		return err
	}
	if err := AddEvents(ctx, clients, snap, o.namespace, o.ChunkSize); err != nil {
		return err
	}
	items := FindStuck(snap, StuckOptions{Now: time.Now(), MinAge: o.MinAge})
	klog.V(2).Infof("force-new: %d deployments and %d replicasets kept (those in namespaces with a pending pod), %d pending pods, %d events read; %d stuck", len(snap.Deployments), len(snap.ReplicaSets), len(snap.Pods), len(snap.Events), len(items))
	switch {
	case len(items) == 0 && o.Watch:
		return nil
	case len(items) == 0 && o.Output.Human():
		fmt.Fprintln(o.Streams.ErrOut, "No stuck rollouts found.")
		return nil
	case o.Watch:
		fmt.Fprintf(o.Streams.ErrOut, "%s found %d stuck rollout(s)\n", time.Now().UTC().Format(time.RFC3339), len(items))
	}
	flow := StuckFlow(items, o.Exec, clients.Dynamic, o.LeaseNamespace, o.ProviderNamespace)
	flow.Streams, flow.Output = o.Streams, o.Output
	return flow.Run(ctx)
}
