package manifests

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/backup"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// BackupResult is what `manifests backup` reports.
type BackupResult struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Path              string         `json:"path"`
	Objects           map[string]int `json:"objects"`
}

// Backup writes the lease objects of a snapshot to a file in Dir.
type Backup struct {
	Dir string
	// LeaseNamespace and Context name where the objects came from, in the
	// file's header.
	LeaseNamespace, Context string
	// ErrOut is told where the file is.
	ErrOut io.Writer
}

// NewBackup is the backup of the lease objects into dir that every command
// changing them writes first, named after the kubeconfig context in use.
func NewBackup(g *cli.Globals, dir string) Backup {
	ctxName := ""
	if g.ConfigFlags != nil && g.ConfigFlags.Context != nil {
		ctxName = *g.ConfigFlags.Context
	}
	return Backup{Dir: dir, LeaseNamespace: g.LeaseNamespace, Context: ctxName, ErrOut: g.Streams.ErrOut}
}

// BackupSpec is the read a backup needs: every Manifest, ProviderHost and
// ProviderLeasedIP of the lease namespace, kept as stored.
func BackupSpec(leaseNamespace string, chunkSize int64) snapshot.Spec {
	return snapshot.Spec{LeaseNamespace: leaseNamespace, ChunkSize: chunkSize, Manifests: true, ProviderHosts: true, ProviderLeasedIPs: true, Backup: true}
}

// leaseObjects are what a backup holds, and how many of each kind.
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

// Write writes the lease objects of snap and tells the operator where.
func (b Backup) Write(snap *snapshot.Snapshot) (BackupResult, error) {
	objs, counts, err := leaseObjects(snap)
	if err != nil {
		return BackupResult{}, err
	}
	header := fmt.Sprintf("namespace %s, context %q", b.LeaseNamespace, b.Context)
	path, err := backup.Write(b.Dir, time.Now(), header, objs)
	if err != nil {
		return BackupResult{}, err
	}
	fmt.Fprintf(b.ErrOut, "Backup of %d manifests, %d providerhosts and %d providerleasedips written to %s\n",
		counts["manifests"], counts["providerhosts"], counts["providerleasedips"], path)
	return BackupResult{TypeMeta: output.TypeMeta("Backup"), ObjectMeta: metav1.ObjectMeta{Name: path}, Path: path, Objects: counts}, nil
}

// Action plans the backup that must come before a change: the executor
// runs it as a gate, so nothing is changed without it.
func (b Backup) Action(snap *snapshot.Snapshot) *execute.Action {
	return execute.NewBackup(filepath.Join(b.Dir, "kubectl-akash-backup-<UTC>.yaml"), func(context.Context) (string, error) {
		res, err := b.Write(snap)
		return "wrote " + res.Path, err
	})
}

// Table is the one row of a backup result.
func (r BackupResult) Table() *output.Table {
	t := output.NewTable(output.Column{Name: "PATH"}, output.Column{Name: "MANIFESTS"}, output.Column{Name: "PROVIDERHOSTS"}, output.Column{Name: "PROVIDERLEASEDIPS"})
	t.AddRow(r.Path, r.Objects["manifests"], r.Objects["providerhosts"], r.Objects["providerleasedips"])
	return t
}
