package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/leaseclose"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// NewLeasesCloseCmd builds `kubectl akash leases close`.
func NewLeasesCloseCmd(g *Globals) *cobra.Command {
	o := leaseclose.NewCloseOptions(&g.Globals)
	cmd := &cobra.Command{
		Use:   "close (--owner ADDR --dseq N [--gseq 1 --oseq 1] | -f FILE)",
		Short: "Close leases on chain from the provider side (bid close)",
		Long: longDesc(`
			Close leases the way the provider itself does: provider-services tx market
			bid close, signed with the provider's key inside the akash-provider pod
			(exec API), so the tenant stops paying and the provider tears the workload
			down. Only the tenant can close the deployment itself.

			Name one lease with --owner/--dseq (--gseq/--oseq default to 1), or pass
			-f with the -o json|yaml output of any kubectl akash command that carries
			lease IDs (- reads stdin). A lease that the command which produced the
			input skipped, refused or failed on (its object records an outcome other
			than Planned, DryRun or Succeeded) is not taken: it is listed as Skipped
			and named on stderr. --exclude-owner protects named tenants as kill-image
			does. The plan shows what runs under each lease in this cluster.
			Transactions go out one at a time, each waiting for its block; an "account
			sequence mismatch" is retried after the next block.

			Where to sign: prefer --via-cli with a local akt and a dedicated key (--from,
			--keyring-backend, --cli-context, --chain-node, --chain-id). The current Akash
			lease-management docs advise against closing leases with provider-services
			inside the provider pod: its transactions use the provider's own account and
			collide with the provider's bids ("account sequence mismatch"; retried here
			after the next block, but still a race). --via-cli also takes a local
			provider-services. Which CLI a path is comes from its version output (akt
			names itself; provider-services names itself in version --long), and each gets
			only its own command lines; any other binary is refused before anything is
			sent. Without --via-cli, provider-services runs in the akash-provider pod.

			--dry-run=client prints the exact commands and runs nothing but the CLI's
			version; --dry-run=server runs the CLI's own --dry-run (akt's or
			provider-services'), a simulation against the chain that signs and
			broadcasts nothing.

			A lease with a reclamation window (2026 chains) cannot be closed early: the
			chain refuses until reclaiming has run to its deadline. The failure names
			the command that starts reclaiming (akt tx market bid start-reclaim, or
			provider-services tx market bid start-reclaim in the pod).`),
		Example: examples(`
			# Close one lease (gseq/oseq 1)
			kubectl akash leases close --owner akash1... --dseq 8438017

			# Close with a local akt and a dedicated key (preferred)
			kubectl akash leases close --owner akash1... --dseq 8438017 --via-cli akt --from closer --keyring-backend file

			# The exact commands, without running them
			kubectl akash leases close --owner akash1... --dseq 8438017 --gseq 2 --oseq 3 --dry-run=client

			# Close every lease running a miner image
			kubectl akash leases list --image 'xmrig|miner' -o json | kubectl akash leases close -f - --yes`),
		Args: cobra.NoArgs,
		RunE: runSteps(o),
	}
	o.Output.AddFlags(cmd)
	o.Exec.AddFlags(cmd)
	o.Chain.AddFlags(cmd)
	output.AddChunkSizeFlag(cmd, &o.ChunkSize)
	cmd.Flags().StringVar(&o.Owner, "owner", "", "The tenant's address (akash1...).")
	cmd.Flags().Uint64Var(&o.DSeq, "dseq", 0, "The deployment sequence.")
	cmd.Flags().Uint32Var(&o.GSeq, "gseq", o.GSeq, "The group sequence.")
	cmd.Flags().Uint32Var(&o.OSeq, "oseq", o.OSeq, "The order sequence.")
	cmd.Flags().StringVar(&o.Provider, "provider", "", "The provider's address; taken from the lease's Manifest when it is in the cluster.")
	cmd.Flags().StringVarP(&o.Filename, "filename", "f", "", "Close the leases in this file (- for stdin): kubectl akash ... -o json|yaml output, or lines of owner/dseq/gseq/oseq/provider. Leases the producing command skipped, refused or failed are not taken.")
	cmd.Flags().StringArrayVar(&o.ExcludeOwners, "exclude-owner", nil, "Never close leases of this tenant address (repeatable); they are listed as Skipped.")
	return cmd
}
