package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/dangling"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// NewDanglingCmd builds `kubectl akash dangling`.
func NewDanglingCmd(g *Globals) *cobra.Command {
	o := dangling.NewCommandOptions(&g.Globals)
	cmd := &cobra.Command{
		Use:     "dangling",
		Short:   "Find leases the chain and the cluster disagree on, both ways, and clean them up",
		GroupID: groupLeases,
		Long: longDesc(`
			Compare the provider's open leases on chain (active, insufficient_funds,
			reclaiming; every group and order) with the leases in the cluster (lease
			namespaces and Manifests):

			* in the cluster but not open on chain — the provider runs it for free
			  (leases closed by escrow depletion never reach the provider);
			* open on chain but not in the cluster — the tenant pays for nothing.

			The chain is read through the chain's REST API (--api URL; market v1beta5,
			falling back to v1beta4), through a local CLI (--via-cli PATH: akt, with
			"akt query market lease --by provider ADDR STATE -o json", or provider-services;
			which one is detected from its version output), or, by default, with
			provider-services inside the akash-provider pod. Bid closes are signed by the
			same CLI; prefer akt with a dedicated key (see leases close --help: in-pod
			transactions collide with the provider's own account sequence). Block times
			come only from --api, so without it no bid is closed (a lease's age is
			unknown); --api and --via-cli together read with one and sign with the other.

			Reclamation (2026 chains): a lease that is reclaiming stays open until its
			deadline and is never torn down; its deadline is shown (CHAIN STATE, and
			spec.reclamation in -o json|yaml). An open lease with nothing in the cluster
			whose reclamation window has not run out is not closed (the chain refuses an
			early close); the report names the command that starts reclaiming it.

			A lease whose chain state cannot be read is "unknown" and is never acted on;
			one the chain does not know is reported, not deleted.

			With --close: a lease closed on chain loses what the provider's own teardown
			removes (namespace, Manifest, ProviderHosts, ProviderLeasedIPs, after a
			backup); an open lease with nothing in the cluster gets its bid closed once it
			is older than --min-age on the chain's clock (a lease just won has nothing in
			the cluster until its tenant sends the manifest), and only if the cluster
			still has nothing of it right before the close. A namespace is deleted only
			when it is the lease's own (its name is the lease ID's hash and it carries that
			lease's labels). --close is refused while any Manifest cannot be decoded, and
			acts on at most --max-leases leases.

			Exit codes: 0 nothing dangles; 3 something dangles (report mode); 1 error or
			a failed clean-up.`),
		Example: examples(`
			kubectl akash dangling --api https://api.akashnet.example
			kubectl akash dangling --close --dry-run=client
			kubectl akash dangling --close --yes --backup-dir /var/backups/akash`),
		Args: cobra.NoArgs,
		RunE: runScheduled(o, &o.Schedule, o.PrintSchedule),
	}
	o.Output.AddFlags(cmd)
	o.Exec.AddFlags(cmd)
	o.Chain.AddFlags(cmd)
	output.AddChunkSizeFlag(cmd, &o.ChunkSize)
	o.Schedule.AddFlags(cmd)
	o.API.AddFlags(cmd, "; default: provider-services in the akash-provider pod.")
	cmd.Flags().StringVar(&o.Provider, "provider", "", "The provider's address; default: the one on the cluster's leases.")
	cmd.Flags().BoolVar(&o.Close, "close", false, "Clean up what dangles (plan printed first; --yes or an interactive y).")
	cmd.Flags().StringVar(&o.BackupDir, "backup-dir", o.BackupDir, "Directory for the backup written before deleting lease objects.")
	cmd.Flags().DurationVar(&o.MinAge, "min-age", o.MinAge, "Close the bid of an open lease with nothing in the cluster only when it is older than this on the chain's clock.")
	return cmd
}
