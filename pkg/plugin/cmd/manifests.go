package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/manifests"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// NewManifestsCmd builds `kubectl akash manifests`.
func NewManifestsCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "manifests",
		Aliases: []string{"manifest", "mani"},
		Short:   "Back up and heal the provider's Manifest CRs",
		GroupID: groupWorkloads,
	}
	cmd.AddCommand(NewManifestsBackupCmd(g), NewManifestsHealCmd(g))
	return cmd
}

// NewManifestsBackupCmd builds `kubectl akash manifests backup`.
func NewManifestsBackupCmd(g *Globals) *cobra.Command {
	o := manifests.NewBackupOptions(&g.Globals)
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Write every Manifest, ProviderHost and ProviderLeasedIP of the lease namespace to a YAML file",
		Long: longDesc(`
			Write the provider's lease objects (Manifests, ProviderHosts,
			ProviderLeasedIPs in --lease-namespace) as one multi-document YAML file,
			./kubectl-akash-backup-<UTC timestamp>.yaml by default, restorable with
			kubectl create -f. Every command that changes these objects writes the
			same backup first.`),
		Args: cobra.NoArgs,
		RunE: runSteps(o),
	}
	o.Output.AddFlags(cmd)
	cmd.Flags().StringVar(&o.BackupDir, "backup-dir", o.BackupDir, "Directory to write the backup file to.")
	output.AddChunkSizeFlag(cmd, &o.ChunkSize)
	return cmd
}
