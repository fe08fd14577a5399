package cmd

import (
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/zombies"
)

// childWithZombie starts a process with one zombie child under this test
// process, which is made a subreaper so nothing is orphaned to PID 1 (it
// does not reap here); everything is reaped at cleanup.
func childWithZombie(t *testing.T) int {
	t.Helper()
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		t.Skipf("cannot become a subreaper: %v", err)
	}
	cmd := exec.Command("/bin/sh", "-c", "sleep 0.05 & exec sleep 60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		deadline := time.Now().Add(3 * time.Second)
		for time.Now().Before(deadline) {
			var ws syscall.WaitStatus
			if pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil); err != nil {
				break // no children left
			} else if pid == 0 {
				time.Sleep(10 * time.Millisecond)
			}
		}
		_ = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
	})
	return cmd.Process.Pid
}

func TestZombiesLocalOnRealProc(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	pid := childWithZombie(t)
	var parent *zombies.Parent
	var stdout, stderr string
	var code int
	for i := 0; i < 50 && parent == nil; i++ {
		time.Sleep(50 * time.Millisecond)
		stdout, stderr, code = runPlugin(t, "node-debug", "zombies", "--local", "-o", "json")
		var l zombies.List
		if err := json.Unmarshal([]byte(stdout), &l); err != nil || len(l.Items) != 1 {
			t.Fatalf("not a list of one report: %v\n%s\n%s", err, stdout, stderr)
		}
		for i := range l.Items[0].Status.Parents {
			if p := &l.Items[0].Status.Parents[i]; p.PID == pid && p.Zombies == 1 {
				parent = p
			}
		}
	}
	if parent == nil {
		t.Fatalf("the test's zombie under %d was not reported:\n%s", pid, stdout)
	}
	if code != cli.ExitFindings {
		t.Fatalf("zombies found must exit %d, got %d (%s)", cli.ExitFindings, code, stderr)
	}
	if parent.Command != "sleep" || parent.Ancestors[0].PID != os.Getpid() {
		t.Fatalf("parent %+v", parent)
	}

	// The table names the parent; --kill skips it (no process on this
	// machine is in a pod's cgroup) and says why, sending nothing, even
	// when every namespace is allowed.
	stdout, _, code = runPlugin(t, "node-debug", "zombies", "--local", "--kill", "--dry-run=client")
	if code != cli.ExitFindings || !strings.Contains(stdout, "sleep") || !strings.Contains(stdout, "not in a pod's cgroup") {
		t.Fatalf("exit %d\n%s", code, stdout)
	}
	stdout, _, _ = runPlugin(t, "node-debug", "zombies", "--local", "--kill", "--yes", "--all-namespaces", "-o", "json")
	var l zombies.List
	if err := json.Unmarshal([]byte(stdout), &l); err != nil {
		t.Fatal(err)
	}
	for _, p := range l.Items[0].Status.Parents {
		if p.Action == nil || p.Action.Result != execute.Skipped {
			t.Errorf("PID %d (%s) is a host process and must be skipped: %+v", p.PID, p.Command, p.Action)
		}
	}
	if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err != nil {
		t.Fatal("the parent must not have been signalled")
	}
}

func TestAgentZombiesPrintsOneReport(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	stdout, stderr, code := runPlugin(t, "agent", "zombies", "--host-root=/", "--proc-root=/proc", "--node-name=n1")
	if code != 0 {
		t.Fatalf("the agent exits 0 when it has a report, got %d: %s", code, stderr)
	}
	var r zombies.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || r.Kind != zombies.Kind || r.Status.Node != "n1" || r.Status.Processes == 0 {
		t.Fatalf("%v %+v", err, r)
	}
}
