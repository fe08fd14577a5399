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
	file := path.Join(o.BackupDir, "kubernetes-certs-"+o.stamp()+".tar.gz")
	dirs := []string{o.Layout.KubernetesDir}
	if etcd := path.Dir(o.Layout.EtcdSSLDir); o.Host.Exists(etcd) {
		dirs = append(dirs, etcd)
	}
	n, err := o.writeTar(file, dirs)
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

func (o *NodeOps) writeTar(file string, dirs []string) (int, error) {
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
			rel, _ := filepath.Rel(base, p)
			hdr.Name = strings.TrimPrefix(path.Join(d, filepath.ToSlash(rel)), "/")
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
