package cmd

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/backup"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
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

// BackupResult is what `manifests backup` reports.
type BackupResult struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Path              string         `json:"path"`
	Objects           map[string]int `json:"objects"`
}

// leaseObjects reads what a backup holds: every Manifest, ProviderHost and
// ProviderLeasedIP of the lease namespace, as stored.
func leaseObjects(snap *snapshot.Snapshot) ([]unstructured.Unstructured, map[string]int, error) {
	manifests, err := snap.ManifestObjects()
	if err != nil {
		return nil, nil, err
	}
	objs := append(append(manifests, snap.ProviderHosts...), snap.ProviderLeasedIPs...)
	return objs, map[string]int{
		"manifests":         len(manifests),
		"providerhosts":     len(snap.ProviderHosts),
		"providerleasedips": len(snap.ProviderLeasedIPs),
	}, nil
}

// writeBackup writes the lease objects of snap and tells the operator where.
func writeBackup(g *Globals, dir string, snap *snapshot.Snapshot) (string, map[string]int, error) {
	objs, counts, err := leaseObjects(snap)
	if err != nil {
		return "", nil, err
	}
	ctxName := ""
	if g.ConfigFlags.Context != nil {
		ctxName = *g.ConfigFlags.Context
	}
	header := fmt.Sprintf("namespace %s, context %q", g.LeaseNamespace, ctxName)
	path, err := backup.Write(dir, time.Now(), header, objs)
	if err != nil {
		return "", nil, err
	}
	fmt.Fprintf(g.Streams.ErrOut, "Backup of %d manifests, %d providerhosts and %d providerleasedips written to %s\n",
		counts["manifests"], counts["providerhosts"], counts["providerleasedips"], path)
	return path, counts, nil
}

// backupAction plans the backup of the lease objects that must come
// before a change: the executor runs it as a gate, so nothing is changed
// without it.
func backupAction(g *Globals, dir string, snap *snapshot.Snapshot) *execute.Action {
	return execute.NewBackup(filepath.Join(dir, "kubectl-akash-backup-<UTC>.yaml"), func(context.Context) (string, error) {
		path, _, err := writeBackup(g, dir, snap)
		return "wrote " + path, err
	})
}

// NewManifestsBackupCmd builds `kubectl akash manifests backup`.
func NewManifestsBackupCmd(g *Globals) *cobra.Command {
	out := output.NewFlags()
	var dir string
	var chunkSize int64
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
			if err := firstError(out.Validate, func() error { return output.ValidateChunkSize(chunkSize) }); err != nil {
				return err
			}
			clients, err := g.Clients()
			if err != nil {
				return err
			}
			snap, err := snapshot.Load(cmd.Context(), clients, snapshot.Spec{
				LeaseNamespace: g.LeaseNamespace, ChunkSize: chunkSize, Manifests: true, ProviderHosts: true, ProviderLeasedIPs: true, Backup: true,
			})
			if err != nil {
				return err
			}
			path, counts, err := writeBackup(g, dir, snap)
			if err != nil {
				return err
			}
			res := BackupResult{TypeMeta: output.TypeMeta("Backup"), ObjectMeta: metav1.ObjectMeta{Name: path}, Path: path, Objects: counts}
			return out.Print(g.Streams.Out, res, func() *output.Table {
				t := output.NewTable(output.Column{Name: "PATH"}, output.Column{Name: "MANIFESTS"}, output.Column{Name: "PROVIDERHOSTS"}, output.Column{Name: "PROVIDERLEASEDIPS"})
				t.AddRow(path, counts["manifests"], counts["providerhosts"], counts["providerleasedips"])
				return t
			})
		},
	}
	out.AddFlags(cmd)
	cmd.Flags().StringVar(&dir, "backup-dir", ".", "Directory to write the backup file to.")
	output.AddChunkSizeFlag(cmd, &chunkSize)
	return cmd
}
