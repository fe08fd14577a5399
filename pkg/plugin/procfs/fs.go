package procfs

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ClockTicks is USER_HZ, the unit of stat's starttime. It is part of the
// kernel's user-space ABI and is 100 on every architecture Kubernetes nodes
// run (sysconf(_SC_CLK_TCK) would need cgo to ask).
const ClockTicks = 100

// FS reads one host's /proc, and its cgroup files under Host.
type FS struct {
	// Proc is the host's /proc.
	Proc string
	// Host is the host's / (cgroup counters live under Host/sys/fs/cgroup).
	Host string
}

// Gone reports whether err means the process exited while being read: a
// scan races with every exit on the node, which is not an error.
func Gone(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH)
}

// PIDs lists the numeric entries of Proc: one per process (threads are
// hidden under /proc/<pid>/task). Order is the directory's, unsorted.
func (f FS) PIDs() ([]int, error) {
	d, err := os.Open(f.Proc)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", f.Proc, err)
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", f.Proc, err)
	}
	pids := make([]int, 0, len(names))
	for _, n := range names {
		if n == "" || n[0] < '1' || n[0] > '9' {
			continue
		}
		if pid, err := strconv.Atoi(n); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// Comm is the process's command name (/proc/<pid>/comm, which the kernel
// cuts to 15 bytes), or "" when it cannot be read (the process is gone).
func (f FS) Comm(pid int) string {
	b, err := os.ReadFile(filepath.Join(f.Proc, strconv.Itoa(pid), "comm"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// ReadStats reads and parses /proc/<pid>/stat of every pid, spread over a
// few goroutines (reading /proc is syscall-bound, and a busy node has 100,000
// processes). Processes that exit meanwhile are left out; any other read or
// parse error is returned in errs without stopping the scan.
func (f FS) ReadStats(pids []int) (stats []Stat, errs []error) {
	workers := runtime.GOMAXPROCS(0)
	if workers > 8 {
		workers = 8
	}
	if n := len(pids) / 256; n < workers {
		workers = max(n, 1)
	}
	parts := make([][]Stat, workers)
	partErrs := make([][]error, workers)
	var wg sync.WaitGroup
	chunk := (len(pids) + workers - 1) / workers
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(pids))
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func(w int, pids []int) {
			defer wg.Done()
			buf := make([]byte, 4096)
			path := make([]byte, 0, 32)
			out := make([]Stat, 0, len(pids))
			dir, err := openDir(f.Proc)
			if err != nil {
				partErrs[w] = append(partErrs[w], err)
				return
			}
			defer dir.close()
			for _, pid := range pids {
				path = strconv.AppendInt(path[:0], int64(pid), 10)
				path = append(path, "/stat"...)
				b, err := dir.read(string(path), buf)
				if err != nil {
					if !Gone(err) {
						partErrs[w] = append(partErrs[w], err)
					}
					continue
				}
				s, err := ParseStat(b)
				if err != nil {
					partErrs[w] = append(partErrs[w], err)
					continue
				}
				out = append(out, s)
			}
			parts[w] = out
		}(w, pids[lo:hi])
	}
	wg.Wait()
	total := 0
	for _, p := range parts {
		total += len(p)
	}
	stats = make([]Stat, 0, total)
	for w := range parts {
		stats = append(stats, parts[w]...)
		errs = append(errs, partErrs[w]...)
	}
	return stats, errs
}

// Stat reads one process's stat.
func (f FS) Stat(pid int) (Stat, error) {
	b, err := os.ReadFile(f.pidFile(pid, "stat"))
	if err != nil {
		return Stat{}, err
	}
	return ParseStat(b)
}

// Status reads one process's status.
func (f FS) Status(pid int) (Status, error) {
	b, err := os.ReadFile(f.pidFile(pid, "status"))
	if err != nil {
		return Status{}, err
	}
	return ParseStatus(b)
}

// Cgroup reads one process's cgroup membership.
func (f FS) Cgroup(pid int) ([]CgroupLine, error) {
	b, err := os.ReadFile(f.pidFile(pid, "cgroup"))
	if err != nil {
		return nil, err
	}
	return ParseCgroup(b), nil
}

func (f FS) pidFile(pid int, name string) string {
	return filepath.Join(f.Proc, strconv.Itoa(pid), name)
}

// BootTime reads btime from /proc/stat: start times are ticks after it.
func (f FS) BootTime() (time.Time, error) {
	b, err := os.ReadFile(filepath.Join(f.Proc, "stat"))
	if err != nil {
		return time.Time{}, err
	}
	for _, line := range bytes.Split(b, []byte{'\n'}) {
		if v, ok := bytes.CutPrefix(line, []byte("btime ")); ok {
			sec, err := strconv.ParseInt(string(bytes.TrimSpace(v)), 10, 64)
			if err != nil {
				return time.Time{}, fmt.Errorf("%s: bad btime %q", filepath.Join(f.Proc, "stat"), v)
			}
			return time.Unix(sec, 0), nil
		}
	}
	return time.Time{}, fmt.Errorf("%s has no btime line", filepath.Join(f.Proc, "stat"))
}

// StartTime converts a starttime in ticks to wall time.
func StartTime(boot time.Time, ticks uint64) time.Time {
	return boot.Add(time.Duration(ticks) * (time.Second / ClockTicks))
}

// PIDMax reads /proc/sys/kernel/pid_max, the node's PID ceiling.
func (f FS) PIDMax() (int64, error) {
	b, err := os.ReadFile(filepath.Join(f.Proc, "sys", "kernel", "pid_max"))
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
}

// PidsUsage is a pids cgroup's counters. Max is -1 for "max" (no limit).
type PidsUsage struct {
	Dir     string
	Current int64
	Max     int64
}

// ReadPids reads pids.current and pids.max of a cgroup given by its path
// from /proc/<pid>/cgroup: under Host/sys/fs/cgroup/pids (v1) or
// Host/sys/fs/cgroup (v2). A path read from inside another cgroup
// namespace starts with "/.." parts; then the path is tried from its first
// kubepods element, which is where the kubelet puts every pod.
func (f FS) ReadPids(cgroupPath string, v2 bool) (PidsUsage, error) {
	base := filepath.Join(f.Host, "sys", "fs", "cgroup")
	if !v2 {
		base = filepath.Join(base, "pids")
	}
	candidates := []string{cgroupPath}
	if i := strings.Index(cgroupPath, "/kubepods"); i > 0 {
		candidates = append(candidates, cgroupPath[i:])
	}
	var firstErr error
	for _, c := range candidates {
		if strings.Contains(c, "..") {
			continue
		}
		dir := filepath.Join(base, c)
		u, err := readPidsDir(dir)
		if err == nil {
			return u, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr == nil {
		firstErr = fmt.Errorf("cgroup path %q is outside this cgroup namespace", cgroupPath)
	}
	return PidsUsage{}, firstErr
}

func readPidsDir(dir string) (PidsUsage, error) {
	u := PidsUsage{Dir: dir}
	cur, err := os.ReadFile(filepath.Join(dir, "pids.current"))
	if err != nil {
		return u, err
	}
	if u.Current, err = strconv.ParseInt(strings.TrimSpace(string(cur)), 10, 64); err != nil {
		return u, fmt.Errorf("%s/pids.current: %w", dir, err)
	}
	mx, err := os.ReadFile(filepath.Join(dir, "pids.max"))
	if err != nil {
		return u, err
	}
	if s := strings.TrimSpace(string(mx)); s == "max" {
		u.Max = -1
	} else if u.Max, err = strconv.ParseInt(s, 10, 64); err != nil {
		return u, fmt.Errorf("%s/pids.max: %w", dir, err)
	}
	return u, nil
}
