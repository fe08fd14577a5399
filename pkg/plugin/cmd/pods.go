package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/failedpods"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
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

// NewCleanFailedCmd builds `kubectl akash pods clean-failed`.
func NewCleanFailedCmd(g *Globals) *cobra.Command {
	o := failedpods.NewCleanFailedOptions(&g.Globals)
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
		RunE: runScheduled(o, &o.Schedule, o.PrintSchedule),
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
