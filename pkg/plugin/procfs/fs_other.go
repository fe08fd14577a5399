//go:build !linux

package procfs

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// dir is a /proc tree read through plain opens: off Linux there is no
// kernel /proc, only trees of its files (such as a test's).
type dir string

func openDir(path string) (dir, error) {
	fi, err := os.Stat(path)
	if err == nil && !fi.IsDir() {
		err = &fs.PathError{Op: "open", Path: path, Err: syscall.ENOTDIR}
	}
	return dir(path), err
}

func (dir) close() {}

// read reads a small file under d into buf, as the Linux version does.
func (d dir) read(path string, buf []byte) ([]byte, error) {
	f, err := os.Open(filepath.Join(string(d), path))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, err
	}
	return buf[:n], nil
}
