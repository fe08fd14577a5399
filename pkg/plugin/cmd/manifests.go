package cmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/manifests"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
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

// backupTo is the backup of the lease objects into dir that every command
// changing them writes first.
func (g *Globals) backupTo(dir string) manifests.Backup {
	ctxName := ""
	if g.ConfigFlags.Context != nil {
		ctxName = *g.ConfigFlags.Context
	}
	return manifests.Backup{Dir: dir, LeaseNamespace: g.LeaseNamespace, Context: ctxName, ErrOut: g.Streams.ErrOut}
}

// ManifestsBackupOptions are the options of `manifests backup`.
type ManifestsBackupOptions struct {
	*Globals
	Output    *output.Flags
	BackupDir string
	ChunkSize int64
}

// NewManifestsBackupOptions returns the defaults: --backup-dir ".".
func NewManifestsBackupOptions(g *Globals) *ManifestsBackupOptions {
	return &ManifestsBackupOptions{Globals: g, Output: output.NewFlags(), BackupDir: "."}
}

// NewManifestsBackupCmd builds `kubectl akash manifests backup`.
func NewManifestsBackupCmd(g *Globals) *cobra.Command {
	o := NewManifestsBackupOptions(g)
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
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Output.AddFlags(cmd)
	cmd.Flags().StringVar(&o.BackupDir, "backup-dir", o.BackupDir, "Directory to write the backup file to.")
	output.AddChunkSizeFlag(cmd, &o.ChunkSize)
	return cmd
}

// Validate checks the flags without I/O.
func (o *ManifestsBackupOptions) Validate() error {
	return cli.FirstError(o.Output.Validate, func() error { return output.ValidateChunkSize(o.ChunkSize) })
}

// Run reads the lease objects once and writes them.
func (o *ManifestsBackupOptions) Run(ctx context.Context) error {
	clients, err := o.Clients()
	if err != nil {
		return err
	}
	snap, err := snapshot.Load(ctx, clients, manifests.BackupSpec(o.LeaseNamespace, o.ChunkSize))
	if err != nil {
		return err
	}
	res, err := o.backupTo(o.BackupDir).Write(snap)
	if err != nil {
		return err
	}
	return o.Output.Print(o.Streams.Out, res, res.Table)
}
