package cmd

import (
	"github.com/spf13/cobra"
)

// NewLeasesCmd builds `kubectl akash leases`, the parent of lease commands.
func NewLeasesCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "leases",
		Aliases: []string{"lease"},
		Short:   "List and act on the leases this provider runs",
		GroupID: groupLeases,
		Long: longDesc(`
			A lease is owner/dseq/gseq/oseq/provider on the Akash chain; in the cluster
			it is a namespace (named by a hash of the lease ID) and a Manifest CR in the
			lease namespace (--lease-namespace).`),
	}
	cmd.AddCommand(NewLeasesListCmd(g), NewLeasesCloseCmd(g), NewLeasesKillImageCmd(g))
	return cmd
}
