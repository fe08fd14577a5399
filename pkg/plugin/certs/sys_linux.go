package certs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// tryLock takes an exclusive flock on file without waiting; held is true
// when another open file holds it. The lock goes with the process, however
// it ends.
func tryLock(file string) (unlock func(), held bool, err error) {
	f, err := os.OpenFile(file, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, false, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, true, nil
		}
		return nil, false, err
	}
	return func() { f.Close() }, false, nil
}

// newSession starts a process in a session of its own, so that no signal
// to the agent's process group or terminal reaches it.
func newSession() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }

// chrootAttr runs a command chrooted into root, the host's root in a debug pod.
func chrootAttr(root string) (*syscall.SysProcAttr, error) {
	return &syscall.SysProcAttr{Chroot: root}, nil
}

// leaveCgroups moves this process out of the debug pod's container cgroups
// into the root cgroup of each hierarchy the host mounts under
// <hostRoot>/sys/fs/cgroup: deleting the pod kills every process in the
// container's cgroup, and this one must outlive it. A private cgroup
// namespace is left for the host's (PID 1's) first, on one thread that
// ends with it. Outside a pod (hostRoot /) a process in no pod's cgroup
// stays where it is. It fails unless every hierarchy ends up outside the
// pod.
func leaveCgroups(hostRoot, proc string) (string, error) {
	type result struct {
		how string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		// Never unlocked: the thread may now be in the host's cgroup
		// namespace, so it ends with this goroutine.
		runtime.LockOSThread()
		how, err := leaveCgroupsOnThread(hostRoot, proc)
		ch <- result{how, err}
	}()
	r := <-ch
	return r.how, r.err
}

func leaveCgroupsOnThread(hostRoot, proc string) (string, error) {
	var notes []string
	inPod := hostRoot != "" && hostRoot != "/"
	self, _ := os.Readlink("/proc/thread-self/ns/cgroup")
	initNS := filepath.Join(proc, "1/ns/cgroup")
	if host, err := os.Readlink(initNS); err == nil && host != self {
		f, err := os.Open(initNS)
		if err == nil {
			err = unix.Setns(int(f.Fd()), unix.CLONE_NEWCGROUP)
			f.Close()
		}
		if err != nil {
			return "", fmt.Errorf("joining the host's cgroup namespace (%s): %w", initNS, err)
		}
		notes = append(notes, "joined the host's cgroup namespace")
	}
	mi, err := os.ReadFile("/proc/thread-self/mountinfo")
	if err != nil {
		return "", err
	}
	cgDir := filepath.Join(hostRoot, "sys/fs/cgroup")
	mounts := cgroupMounts(mi, cgDir)
	read := func() ([]procfs.CgroupLine, error) {
		b, err := os.ReadFile("/proc/self/cgroup")
		return procfs.ParseCgroup(b), err
	}
	lines, err := read()
	if err != nil {
		return "", err
	}
	for _, l := range lines {
		if _, ok := procfs.ParsePodCgroup(l.Path); ok {
			inPod = true
		}
	}
	if !inPod {
		return "in no pod's cgroup: stayed where it was", nil
	}
	moved := 0
	pid := []byte(strconv.Itoa(os.Getpid()))
	for _, l := range lines {
		m, ok := mountOf(l, mounts)
		if !ok {
			return "", fmt.Errorf("cgroup hierarchy %s:%s (at %s) is not mounted under %s", l.ID, strings.Join(l.Controllers, ","), l.Path, cgDir)
		}
		if l.Path == "/" {
			continue
		}
		if err := os.WriteFile(filepath.Join(m.Dir, "cgroup.procs"), pid, 0); err != nil {
			return "", fmt.Errorf("moving to %s: %w", m.Dir, err)
		}
		moved++
	}
	after, err := read()
	if err != nil {
		return "", err
	}
	for _, l := range after {
		_, mounted := mountOf(l, mounts)
		if _, pod := procfs.ParsePodCgroup(l.Path); pod || !mounted || l.Path != "/" {
			return "", fmt.Errorf("still in cgroup %s of hierarchy %s:%s after moving out", l.Path, l.ID, strings.Join(l.Controllers, ","))
		}
	}
	return strings.Join(append(notes, fmt.Sprintf("moved to the host's root cgroup in %d of %d hierarchies", moved, len(after))), "; "), nil
}
