package manifests

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// BackupOptions are the options of `manifests backup`.
type BackupOptions struct {
	*cli.Globals
	Output    *output.Flags
	BackupDir string
	ChunkSize int64
}

// NewBackupOptions returns the defaults: --backup-dir ".".
func NewBackupOptions(g *cli.Globals) *BackupOptions {
	return &BackupOptions{Globals: g, Output: output.NewFlags(), BackupDir: "."}
}

// Complete has nothing to read: the backup is of --lease-namespace, which
// the root command has checked, and -n does not apply.
func (o *BackupOptions) Complete(*cobra.Command) error { return nil }

// Validate checks the flags without I/O.
func (o *BackupOptions) Validate() error {
	return cli.FirstError(o.Output.Validate, func() error { return output.ValidateChunkSize(o.ChunkSize) })
}

// Run reads the lease objects once and writes them.
func (o *BackupOptions) Run(ctx context.Context) error {
	_, snap, err := snapshot.LoadChecked(ctx, o.Globals, BackupSpec(o.LeaseNamespace, o.ChunkSize))
	if err != nil {
		return err
	}
	res, err := NewBackup(o.Globals, o.BackupDir).Write(snap)
	if err != nil {
		return err
	}
	return o.Output.Print(o.Streams.Out, res, res.Table)
}
