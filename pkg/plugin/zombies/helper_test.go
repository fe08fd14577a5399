//go:build linux

package zombies

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// The tests start real processes that leave real zombies on this machine.
// Orphans here go to PID 1, which on these machines does not reap them, so
// every process a test makes lives under a helper — this test binary
// re-executed — that is a child subreaper: whatever it orphans, it reaps.

const helperEnv = "ZOMBIES_TEST_HELPER"

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "reaper":
		reaperHelper(os.Args[len(os.Args)-1], true)
	case "holder":
		reaperHelper(os.Args[len(os.Args)-1], false)
	case "sigchld-parent":
		sigchldParentHelper()
	}
	os.Exit(2)
}

// reaperHelper becomes a child subreaper, starts `sh -c script` and prints
// the shell's PID. With reap it reaps every child it gets (its own and the
// orphans handed to it); without, it holds them as zombies — a container
// init that does not reap.
func reaperHelper(script string, reap bool) {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	ch := make(chan os.Signal, 64)
	signal.Notify(ch, syscall.SIGCHLD)
	p, err := os.StartProcess("/bin/sh", []string{"sh", "-c", script}, &os.ProcAttr{Files: []*os.File{nil, nil, os.Stderr}})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println(p.Pid)
	for range ch {
		for reap {
			var ws syscall.WaitStatus
			if pid, _ := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil); pid <= 0 {
				break
			}
		}
	}
}

// sigchldParentHelper leaves zombie children, and reaps them only on a
// SIGCHLD that comes after it said "ready": a parent whose handler works.
func sigchldParentHelper() {
	ch := make(chan os.Signal, 64)
	signal.Notify(ch, syscall.SIGCHLD)
	var kids []int
	for i := 0; i < 3; i++ {
		p, err := os.StartProcess("/bin/sh", []string{"sh", "-c", "exit 0"}, &os.ProcAttr{})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		kids = append(kids, p.Pid)
	}
	// Arm only once every child is a zombie, however loaded the machine.
	for _, pid := range kids {
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if st, err := (procfs.FS{Proc: "/proc"}).Stat(pid); err == nil && st.Zombie() {
				break
			}
		}
	}
	time.Sleep(200 * time.Millisecond) // let the runtime deliver the kernel's SIGCHLDs
	for len(ch) > 0 {
		<-ch // the kernel's own SIGCHLDs are not a request to reap
	}
	fmt.Println(os.Getpid())
	for range ch {
		for {
			var ws syscall.WaitStatus
			if pid, _ := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil); pid <= 0 {
				break
			}
		}
	}
}

// startHelper runs this test binary in a helper mode and returns the PID
// it prints; the helper is killed (and reaped) when the test ends.
func startHelper(t *testing.T, mode string, args ...string) (*exec.Cmd, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$"}, args...)...)
	cmd.Env = append(os.Environ(), helperEnv+"="+mode)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("helper %s: %v", mode, err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("helper %s said %q", mode, line)
	}
	return cmd, pid
}

// zombieScript leaves n zombie children under a process named sleep: the
// shell starts n short sleeps in the background, then becomes a long sleep,
// which never waits for anything.
func zombieScript(n int, prefix string) string {
	return prefix + strings.Repeat("sleep 0.05 & ", n) + "exec sleep 60"
}
