package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
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

// normalizeAddresses validates the addresses of a repeatable flag and
// lower-cases them in place (akash.NormalizeAddress).
func normalizeAddresses(flag string, addrs []string) error {
	for i, a := range addrs {
		n, err := akash.NormalizeAddress(a)
		if err != nil {
			return fmt.Errorf("%s: %w", flag, err)
		}
		addrs[i] = n
	}
	return nil
}

// normalizeAddress validates and lower-cases an optional address flag in
// place; empty stays empty.
func normalizeAddress(flag string, addr *string) error {
	if *addr == "" {
		return nil
	}
	n, err := akash.NormalizeAddress(*addr)
	if err != nil {
		return fmt.Errorf("%s: %w", flag, err)
	}
	*addr = n
	return nil
}
