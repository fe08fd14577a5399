// Package backup writes the provider's lease objects — Manifests,
// ProviderHosts, ProviderLeasedIPs — to a multi-document YAML file before any
// command changes or deletes them, so that `kubectl create -f <file>` can put
// them back. A backup that cannot be written stops the change.
package backup

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// FileName is the backup's name for a moment: kubectl-akash-backup-<UTC>.yaml.
func FileName(now time.Time) string {
	return "kubectl-akash-backup-" + now.UTC().Format("20060102T150405Z") + ".yaml"
}

// Write writes objs to dir/FileName(now) and returns the path. The file is
// created exclusively (never overwriting an earlier backup), readable only by
// its owner (Manifests may hold registry credentials), and synced to disk
// before Write returns.
func Write(dir string, now time.Time, header string, objs []unstructured.Unstructured) (string, error) {
	if dir == "" {
		dir = "."
	}
	path := filepath.Join(dir, FileName(now))
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# kubectl-akash backup, %s\n", now.UTC().Format(time.RFC3339))
	if header != "" {
		fmt.Fprintf(&buf, "# %s\n", header)
	}
	fmt.Fprintf(&buf, "# %d objects; restore with: kubectl create -f %s\n", len(objs), filepath.Base(path))
	for i := range objs {
		b, err := yaml.Marshal(restorable(&objs[i]).Object)
		if err != nil {
			return "", fmt.Errorf("backup: encoding %s: %w", objs[i].GetName(), err)
		}
		buf.WriteString("---\n")
		buf.Write(b)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("cannot write the backup (%v): nothing was changed; choose a writable --backup-dir", err)
	}
	_, err = f.Write(buf.Bytes())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		// A partial file must not be taken for a backup later.
		_ = os.Remove(path)
		return "", fmt.Errorf("cannot write the backup %s (%v): nothing was changed", path, err)
	}
	return path, nil
}

// restorable strips the server-set metadata that would make `kubectl create`
// of the backup fail or lie (uid, resourceVersion, managedFields, ...).
func restorable(u *unstructured.Unstructured) *unstructured.Unstructured {
	c := u.DeepCopy()
	for _, f := range []string{"uid", "resourceVersion", "managedFields", "creationTimestamp", "generation", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"} {
		unstructured.RemoveNestedField(c.Object, "metadata", f)
	}
	unstructured.RemoveNestedField(c.Object, "status")
	return c
}
