package certs

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Backup writes a tar.gz of the Kubernetes directory and kubespray's etcd
// certificates (when present) into BackupDir, names inside the archive being
// the node's own paths without the leading "/" (so `tar xzf FILE -C /`
// restores them). It reads the archive back before reporting success.
func (o *NodeOps) Backup() (string, string, error) {
	if err := os.MkdirAll(o.Host.path(o.BackupDir), 0o700); err != nil {
		return "", "", err
	}
	name, dirs := "kubernetes-certs-", []string{o.Layout.KubernetesDir}
	keep := func(string, fs.DirEntry) bool { return true }
	if o.IsK3sServer() {
		name, dirs, keep = "k3s-certs-", o.k3sBackupDirs(), o.k3sKeep
	} else if etcd := path.Dir(o.Layout.EtcdSSLDir); o.Host.Exists(etcd) {
		dirs = append(dirs, etcd)
	}
	file := path.Join(o.BackupDir, name+o.stamp()+".tar.gz")
	n, err := o.writeTar(file, dirs, keep)
	if err != nil {
		os.Remove(o.Host.path(file))
		return "", "", err
	}
	read, err := countTar(o.Host.path(file))
	if err != nil || read != n {
		return file, "", fmt.Errorf("the backup %s does not read back (%d of %d entries): %v", file, read, n, err)
	}
	return file, fmt.Sprintf("%s (%d entries of %s)", file, n, strings.Join(dirs, ", ")), nil
}

// k3sBackupDirs are what `k3s certificate rotate` replaces on a server:
// server/tls (with its etcd/), the component kubeconfigs of server/cred,
// and the agent's certificates and kubeconfigs (its containerd, images
// and pods under agent/ are left out).
func (o *NodeOps) k3sBackupDirs() []string {
	dirs := []string{o.k3sTLS()}
	for _, d := range []string{"server/cred", "agent"} {
		if p := path.Join(o.Layout.K3sDir, d); o.Host.Exists(p) {
			dirs = append(dirs, p)
		}
	}
	return dirs
}

// k3sKeep keeps everything but the agent's subdirectories.
func (o *NodeOps) k3sKeep(p string, e fs.DirEntry) bool {
	agent := path.Join(o.Layout.K3sDir, "agent")
	return !(path.Dir(p) == agent && e.IsDir())
}

// writeTar archives dirs; keep (given the entry's node path) leaves out
// an entry, and a directory's whole tree.
func (o *NodeOps) writeTar(file string, dirs []string, keep func(string, fs.DirEntry) bool) (int, error) {
	f, err := os.OpenFile(o.Host.path(file), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	n := 0
	for _, d := range dirs {
		base := o.Host.path(d)
		err := filepath.WalkDir(base, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(base, p)
			node := path.Join(d, filepath.ToSlash(rel))
			if !keep(node, e) {
				if e.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			info, err := e.Info()
			if err != nil {
				return err
			}
			link := ""
			if info.Mode()&os.ModeSymlink != 0 {
				if link, err = os.Readlink(p); err != nil {
					return err
				}
			}
			hdr, err := tar.FileInfoHeader(info, link)
			if err != nil {
				return err
			}
			hdr.Name = strings.TrimPrefix(node, "/")
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
			n++
			if !info.Mode().IsRegular() {
				return nil
			}
			src, err := os.Open(p)
			if err != nil {
				return err
			}
			defer src.Close()
			_, err = io.Copy(tw, src)
			return err
		})
		if err != nil {
			return n, fmt.Errorf("archiving %s: %w", d, err)
		}
	}
	if err := tw.Close(); err != nil {
		return n, err
	}
	if err := gz.Close(); err != nil {
		return n, err
	}
	if err := f.Sync(); err != nil {
		return n, err
	}
	return n, f.Close()
}

// countTar reads an archive to its end and counts its entries.
func countTar(file string) (int, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return 0, err
	}
	tr := tar.NewReader(gz)
	n := 0
	for {
		_, err := tr.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if _, err := io.Copy(io.Discard, tr); err != nil {
			return n, err
		}
		n++
	}
}
