package gpu

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
)

// maxLogBytes bounds how much of a kernel log file is read (its tail).
const maxLogBytes = 32 << 20

// ReadKernelLog reads the kernel log at path: /dev/kmsg (a character
// device: one record per read, non-blocking, so the read stops at the end
// of the ring buffer instead of waiting for new messages), or any text file
// of kernel log lines (see ParseKernelLine), where an indented line without
// a time of its own carries on the message before it.
func ReadKernelLog(path string) ([]KernelLine, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode()&os.ModeCharDevice != 0 {
		return readKmsg(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi.Size() > maxLogBytes {
		if _, err := f.Seek(fi.Size()-maxLogBytes, io.SeekStart); err != nil {
			return nil, err
		}
	}
	var lines []KernelLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l, ok := ParseKernelLine(sc.Text())
		switch {
		case !ok:
		case continues(sc.Text()) && len(lines) > 0:
			last := &lines[len(lines)-1]
			last.Msg += "\n" + strings.TrimSpace(sc.Text())
		default:
			lines = append(lines, l)
		}
	}
	return lines, sc.Err()
}

// readKmsg reads every record left in the ring buffer. EPIPE means records
// were overwritten while reading: the next read continues with the oldest
// one still there.
func readKmsg(path string) ([]KernelLine, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	var lines []KernelLine
	buf := make([]byte, 16<<10)
	for {
		n, err := syscall.Read(fd, buf)
		switch {
		case errors.Is(err, syscall.EAGAIN):
			return lines, nil
		case errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.EINTR):
			continue
		case err != nil:
			return lines, fmt.Errorf("reading %s: %w", path, err)
		case n == 0:
			return lines, nil
		}
		rec, _, _ := strings.Cut(string(buf[:n]), "\n")
		if l, ok := ParseKernelLine(rec); ok {
			lines = append(lines, l)
		}
	}
}
