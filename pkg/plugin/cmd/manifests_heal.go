package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/manifests"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// NewManifestsHealCmd builds `kubectl akash manifests heal`.
func NewManifestsHealCmd(g *Globals) *cobra.Command {
	o := manifests.NewHealOptions(&g.Globals)
	cmd := &cobra.Command{
		Use:   "heal",
		Short: "Put back the SDL command that old providers dropped from Manifests",
		Long: longDesc(`
			Providers before 0.2.1 lost the SDL command of services when they restarted:
			the Deployment rolled out a revision without it, which crash-loops beside the
			old replica. heal finds every such service — a Deployment whose rollout is not
			complete and whose current template has no command while an earlier revision
			had one, or a StatefulSet whose command the Manifest lacks — and patches the
			command into the Manifest service of the same name. The patch tests, in the
			same request, the Manifest's uid and resourceVersion as read, the service's
			name at its index and that the service still has no command, so a concurrent
			change makes the patch fail (Conflict) instead of writing over it or into the
			wrong service. Services of one Manifest are healed by one patch.

			Before any patch it writes a backup of the lease namespace's Manifests,
			ProviderHosts and ProviderLeasedIPs (see manifests backup). The provider must
			re-read the Manifests afterwards: --restart-provider deletes the akash-provider
			pod once the patches are in.`),
		Example: examples(`
			kubectl akash manifests heal --dry-run=client
			kubectl akash manifests heal --restart-provider --yes`),
		Args: cobra.NoArgs,
		RunE: runSteps(o),
	}
	o.Output.AddFlags(cmd)
	cli.AddAllNamespacesFlag(cmd)
	o.Exec.AddFlags(cmd)
	o.Exec.AddFieldManagerFlag(cmd)
	cmd.Flags().StringVar(&o.BackupDir, "backup-dir", o.BackupDir, "Directory for the backup written before patching.")
	cmd.Flags().BoolVar(&o.RestartProvider, "restart-provider", false, "After patching, delete the akash-provider pod so the provider re-reads the Manifests.")
	cmd.Flags().StringVarP(&o.Selector, "selector", "l", "", "Only Deployments, StatefulSets, ReplicaSets and pods matching this label selector (e.g. akash.network/manifest-service=web).")
	output.AddChunkSizeFlag(cmd, &o.ChunkSize)
	return cmd
}
