package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/leaseclose"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// NewLeasesKillImageCmd builds `kubectl akash leases kill-image`.
func NewLeasesKillImageCmd(g *Globals) *cobra.Command {
	o := leaseclose.NewKillImageOptions(&g.Globals)
	cmd := &cobra.Command{
		Use:   "kill-image --image REGEX [--image REGEX ...]",
		Short: "Close every lease running an image that matches a regular expression",
		Long: longDesc(`
			Read every Manifest once, match each service's image against the --image
			regular expressions (case-insensitive, like the runbooks' grep -Ei), and
			close the matching leases on chain as leases close does: plan, confirm,
			one transaction per block. --exclude-owner protects named tenants; their
			matches are listed as Skipped.

			--schedule prints, instead of acting, a CronJob that runs this same
			command with --yes in the cluster, with its ServiceAccount and only the
			permissions it needs: list Manifests in the lease namespace, list pods and
			exec into the akash-provider pod in the provider namespace.`),
		Example: examples(`
			# What would be closed
			kubectl akash leases kill-image --image 'xmrig|miner' --image '^docker.io/nanopool/' --dry-run=client

			# Close them, sparing one tenant
			kubectl akash leases kill-image --image xmrig --exclude-owner akash1... --yes

			# Run it in the cluster every 5 minutes instead of from host cron
			kubectl akash leases kill-image --image xmrig --schedule '*/5 * * * *' | kubectl apply -f -`),
		Args: cobra.NoArgs,
		RunE: runScheduled(o, &o.Schedule, o.PrintSchedule),
	}
	o.Output.AddFlags(cmd)
	o.Exec.AddFlags(cmd)
	o.Chain.AddFlags(cmd)
	o.Schedule.AddFlags(cmd)
	cmd.Flags().StringArrayVar(&o.Images, "image", nil, "Close leases with a service image matching this regular expression (case-insensitive; repeatable; required).")
	cmd.Flags().StringArrayVar(&o.ExcludeOwners, "exclude-owner", nil, "Never close leases of this tenant address (repeatable).")
	output.AddChunkSizeFlag(cmd, &o.ChunkSize)
	return cmd
}
