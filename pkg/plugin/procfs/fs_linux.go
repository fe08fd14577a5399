package procfs

import (
	"io/fs"
	"syscall"

	"golang.org/x/sys/unix"
)

// dir is one open /proc: paths under it are resolved relative to it, so the
// kernel walks "<pid>/stat", not the whole root path, per file.
type dir int

func openDir(path string) (dir, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return -1, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return dir(fd), nil
}

func (d dir) close() { syscall.Close(int(d)) }

// read reads a small file under d into buf: /proc files are generated whole
// on the first read, and os.ReadFile's stat and growing buffer cost more
// than the read itself at 100,000 files.
func (d dir) read(path string, buf []byte) ([]byte, error) {
	fd, err := unix.Openat(int(d), path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	n := 0
	for n < len(buf) {
		m, err := syscall.Read(fd, buf[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if m == 0 {
			break
		}
		n += m
	}
	return buf[:n], nil
}
