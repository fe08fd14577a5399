package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/provider"
)

// newProviderRestartCmd builds `provider restart`; its Options and Run are
// provider.RestartOptions.
func newProviderRestartCmd(g *Globals) *cobra.Command {
	o := provider.NewRestartOptions(&g.Globals)
	cmd := &cobra.Command{
		Use:   "restart",
		Short: "Delete the akash-provider pod(s) and wait until the replacement is Ready",
		Long: longDesc(`
			Deletes each akash-provider pod (with its UID as a precondition, so a pod
			that was already replaced is left alone) and then watches until as many new
			provider pods — pods with other UIDs — are Ready as were deleted, or until
			--timeout. The provider re-reads its Manifests and chain state on start, which
			is what manifests heal needs afterwards.

			The plan is printed first; it acts after --yes or an interactive y, and
			--dry-run=client|server rehearses the delete without waiting.`),
		Example: examples(`
			kubectl akash provider restart --yes
			kubectl akash provider restart --dry-run=server`),
		Args: cobra.NoArgs,
		RunE: runSteps(o),
	}
	o.Output.AddFlags(cmd)
	o.Exec.AddFlags(cmd)
	cmd.Flags().DurationVar(&o.Timeout, "timeout", o.Timeout, "How long to wait for the new provider pod(s) to be Ready.")
	return cmd
}
