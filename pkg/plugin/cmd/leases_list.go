package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/leases"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/watch"
)

// NewLeasesListCmd builds `kubectl akash leases list`.
func NewLeasesListCmd(g *Globals) *cobra.Command {
	o := leases.NewListOptions(&g.Globals)
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls", "get"},
		Short:   "List the leases found in the cluster, with their services, images and pods",
		Long: longDesc(`
			List one row per lease found in the cluster: Manifest CRs in the lease
			namespace joined with the lease namespaces (label akash.network=true) and
			their pods. Three LIST calls, however many leases there are.`),
		Example: examples(`
			# Every lease, with pod phases
			kubectl akash leases list -o wide

			# Leases running an image matching a regex (case-insensitive)
			kubectl akash leases list --image 'xmrig|miner'

			# One tenant's leases, newest last, with their namespaces' labels
			kubectl akash leases list -l akash.network/lease.id.owner=akash1... --sort-by .metadata.creationTimestamp --show-labels

			# Print the leases, then what changes, until Ctrl-C
			kubectl akash leases list -w

			# With the chain's view: state and reclamation deadline per lease
			kubectl akash leases list -o wide --api https://api.example:443

			# Lease IDs only
			kubectl akash leases list --jq '.items[].spec.leaseID'`),
		Args: cobra.NoArgs,
		RunE: runSteps(o),
	}
	o.Output.AddFlags(cmd)
	o.List.AddFlags(cmd, "leases", output.SelectorFlag, output.FieldSelectorFlag, output.ChunkSizeFlag)
	cli.AddAllNamespacesFlag(cmd)
	watch.AddFlags(cmd, &o.Watch, &o.WatchOnly, "watch the Manifests, lease namespaces and their pods")
	cmd.Flags().StringArrayVar(&o.Images, "image", nil, "Only leases with a service image matching this regular expression (case-insensitive; repeatable).")
	cmd.Flags().StringVar(&o.Owner, "owner", "", "Only leases of this tenant address.")
	o.Chain.AddFlags(cmd, ": read each lease's chain state and reclamation deadline from it.")
	cmd.Flags().StringVar(&o.Provider, "provider", "", "With --api: the provider address whose leases are read from the chain (default: the one the cluster's leases name).")
	return cmd
}
