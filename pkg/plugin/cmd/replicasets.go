package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/rollout"
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

// NewForceNewCmd builds `kubectl akash replicasets force-new`.
func NewForceNewCmd(g *Globals) *cobra.Command {
	o := rollout.NewForceNewOptions(&g.Globals)
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
		RunE: runScheduled(o, &o.Schedule, o.PrintSchedule),
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
