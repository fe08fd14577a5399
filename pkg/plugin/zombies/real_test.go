//go:build linux

package zombies

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// These tests run on this machine's real /proc, with zombies the tests
// make. No process here is in a pod's cgroup, so the kill tests pass an
// Eligible policy that admits only the test's own processes, and
// AllNamespaces (there is no pod to name); the cgroup and namespace rules
// themselves are proven on synthetic trees (synthetic_test.go).

var realEnv = agent.Env{HostRoot: "/", ProcRoot: "/proc", NodeName: "this-machine", Now: time.Now}

func needRealProc(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc on this machine")
	}
	if _, err := unix.PidfdOpen(os.Getpid(), 0); err != nil {
		t.Skipf("pidfd_open unavailable (kernel older than 5.3?): %v", err)
	}
}

// scanFor scans until pid holds want zombies, or fails after 5s.
func scanFor(t *testing.T, pid, want int) (*Report, *Parent) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		r, err := Scan(realEnv)
		if err != nil {
			t.Fatal(err)
		}
		for i := range r.Status.Parents {
			if p := &r.Status.Parents[i]; p.PID == pid && p.Zombies == want {
				return r, p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("PID %d never held %d zombies; parents: %+v", pid, want, r.Status.Parents)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// only admits the test's own PIDs: its stand-in for "inside a container".
func only(pids ...int) func(*Parent) string {
	return func(p *Parent) string {
		for _, pid := range pids {
			if p.PID == pid {
				return ""
			}
		}
		return "not this test's process"
	}
}

// reap kills pid (a helper's child) and waits until the helper reaped it,
// so no orphan or zombie of the test outlives it.
func reap(t *testing.T, pid int) {
	_ = syscall.Kill(pid, syscall.SIGKILL)
	for i := 0; i < 100; i++ {
		if _, err := os.Stat("/proc/" + itoa(pid)); err != nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("PID %d was not reaped", pid)
}

func TestScanRealProcFindsAndGroupsZombies(t *testing.T) {
	needRealProc(t)
	_, a := startHelper(t, "reaper", zombieScript(3, ""))
	t.Cleanup(func() { reap(t, a) })
	_, b := startHelper(t, "reaper", zombieScript(2, ""))
	t.Cleanup(func() { reap(t, b) })

	scanFor(t, a, 3)
	// Both sets exist now (a's zombies stay until the test reaps them):
	// one scan sees them, grouped under their own parents.
	r, pb := scanFor(t, b, 2)
	pa := parentByPID(t, r, a)
	if pa.Zombies != 3 {
		t.Fatalf("PID %d: %d zombies, want 3", a, pa.Zombies)
	}
	for _, p := range []*Parent{pa, pb} {
		if p.Command != "sleep" || p.ContainerInit || p.CatchesSIGCHLD || p.ShimPID != 0 || p.StartTicks == 0 {
			t.Errorf("parent facts wrong: %+v", p)
		}
		if len(p.Ancestors) < 2 || p.Ancestors[len(p.Ancestors)-1].PID != 1 {
			t.Errorf("ancestry must reach PID 1: %+v", p.Ancestors)
		}
		if p.OldestZombieSeconds > 60 || p.OldestZombie.IsZero() {
			t.Errorf("oldest zombie %v (%ds)", p.OldestZombie, p.OldestZombieSeconds)
		}
	}
	if r.Status.Processes < 5 || r.Status.Tasks < r.Status.Processes || r.Status.PIDMax == 0 || r.Status.Zombies < 5 {
		t.Errorf("node totals: %+v", r.Status)
	}
	if len(pa.ZombiePIDs) != 3 {
		t.Errorf("zombie PIDs %v", pa.ZombiePIDs)
	}
	// This test process is an ancestor of both parents.
	found := false
	for _, anc := range pa.Ancestors {
		found = found || anc.PID == os.Getpid()
	}
	if !found {
		t.Errorf("the test (%d) is not among %+v", os.Getpid(), pa.Ancestors)
	}
}

func TestKillRealSIGCHLDIsEnoughForAParentThatReaps(t *testing.T) {
	needRealProc(t)
	_, pid := startHelper(t, "sigchld-parent")
	r, p := scanFor(t, pid, 3)
	if !p.CatchesSIGCHLD {
		t.Fatalf("a Go program catches SIGCHLD: %+v", p)
	}
	o := KillOptions{Grace: 5 * time.Second, Eligible: only(pid), AllNamespaces: true}
	Plan(r, o)
	if failed := Execute(context.Background(), procfs.FS{Proc: "/proc", Host: "/"}, r, o); failed != 0 {
		t.Fatalf("failed: %+v", p.Action)
	}
	if p.Action.Result != execute.Succeeded || !strings.Contains(p.Action.Message, "reaped after SIGCHLD") {
		t.Fatalf("outcome %+v", p.Action.Outcome)
	}
	if _, err := os.Stat("/proc/" + itoa(pid)); err != nil {
		t.Fatal("SIGCHLD must not have killed the parent")
	}
}

func TestKillRealSIGTERMWhenNoSIGCHLDHandler(t *testing.T) {
	needRealProc(t)
	_, pid := startHelper(t, "reaper", zombieScript(2, ""))
	t.Cleanup(func() { reap(t, pid) })
	r, p := scanFor(t, pid, 2)
	o := KillOptions{Grace: 5 * time.Second, Eligible: only(pid), AllNamespaces: true}
	Plan(r, o)
	if p.Action.Result != execute.Planned || !strings.HasPrefix(p.Action.Message, "SIGTERM, then SIGKILL") || !strings.Contains(p.Action.Message, "no SIGCHLD") {
		t.Fatalf("plan %+v", p.Action)
	}
	Execute(context.Background(), procfs.FS{Proc: "/proc", Host: "/"}, r, o)
	if p.Action.Result != execute.Succeeded || !strings.Contains(p.Action.Message, "reaped after SIGTERM") || strings.Contains(p.Action.Message, "sent SIGCHLD") {
		t.Fatalf("outcome %+v", p.Action.Outcome)
	}
}

func TestKillRealSIGKILLWhenSIGTERMIsIgnored(t *testing.T) {
	needRealProc(t)
	// trap "" TERM sets SIGTERM to SIG_IGN, which survives exec.
	_, pid := startHelper(t, "reaper", zombieScript(2, `trap "" TERM; `))
	t.Cleanup(func() { reap(t, pid) })
	r, p := scanFor(t, pid, 2)
	if !p.IgnoresSIGTERM {
		t.Fatalf("SigIgn should show SIGTERM: %+v", p)
	}
	o := KillOptions{Grace: time.Second, Eligible: only(pid), AllNamespaces: true}
	Plan(r, o)
	Execute(context.Background(), procfs.FS{Proc: "/proc", Host: "/"}, r, o)
	if p.Action.Result != execute.Succeeded || !strings.Contains(p.Action.Message, "reaped after SIGKILL") || !strings.Contains(p.Action.Message, "ignores SIGTERM") {
		t.Fatalf("outcome %+v", p.Action.Outcome)
	}
}

func TestKillRealReportsAReaperThatDoesNotReap(t *testing.T) {
	needRealProc(t)
	// The holder is a subreaper that never reaps: like a container init
	// without a reaping loop, it inherits the zombies when their parent dies.
	holder, pid := startHelper(t, "holder", zombieScript(2, ""))
	r, p := scanFor(t, pid, 2)
	o := KillOptions{Grace: 500 * time.Millisecond, Eligible: only(pid), AllNamespaces: true}
	Plan(r, o)
	if failed := Execute(context.Background(), procfs.FS{Proc: "/proc", Host: "/"}, r, o); failed != 1 {
		t.Fatalf("failed=%d outcome %+v", failed, p.Action.Outcome)
	}
	want := "re-parented to PID " + itoa(holder.Process.Pid)
	if p.Action.Result != execute.Failed || !strings.Contains(p.Action.Message, want) || !strings.Contains(p.Action.Message, "which does not reap them") {
		t.Fatalf("outcome %+v, want %q", p.Action.Outcome, want)
	}
	// The holder now holds the killed parent and both zombies.
	reapAllChildrenOf(t, holder.Process.Pid)
}

// reapAllChildrenOf kills the holder without leaking its zombies to PID 1
// (which does not reap on these machines): for that moment this test
// process is a subreaper, so the holder's children come here, and are
// waited for.
func reapAllChildrenOf(t *testing.T, pid int) {
	t.Helper()
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		t.Fatal(err)
	}
	defer unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
	orphans := childrenOf(pid)
	_ = syscall.Kill(pid, syscall.SIGKILL)
	for _, c := range orphans {
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			var ws syscall.WaitStatus
			if got, _ := syscall.Wait4(c, &ws, syscall.WNOHANG, nil); got == c {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// childrenOf lists the children of pid from a scan.
func childrenOf(pid int) []int {
	fs := procfs.FS{Proc: "/proc"}
	pids, _ := fs.PIDs()
	stats, _ := fs.ReadStats(pids)
	var out []int
	for _, s := range stats {
		if s.PPID == pid {
			out = append(out, s.PID)
		}
	}
	return out
}

// startInPIDNamespace starts `sh -c script` as PID 1 of a new PID
// namespace: a real container init, as far as the kernel's signal rules go.
func startInPIDNamespace(t *testing.T, script string) int {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWPID}
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot create a PID namespace here (needs CAP_SYS_ADMIN): %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd.Process.Pid
}

func TestKernelDropsSIGTERMToContainerInitAndKillNeedsPermission(t *testing.T) {
	needRealProc(t)
	pid := startInPIDNamespace(t, zombieScript(2, ""))
	r, p := scanFor(t, pid, 2)
	if !p.ContainerInit || len(p.NSpid) != 2 || p.CatchesSIGTERM {
		t.Fatalf("a PID namespace's init with no handlers: %+v", p)
	}

	// The rule the plan relies on, on the real kernel: SIGTERM to a
	// container's init without a handler is dropped.
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.PidfdSendSignal(fd, unix.SIGTERM, nil, 0); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if st, err := (procfs.FS{Proc: "/proc"}).Stat(pid); err != nil || st.Zombie() {
		t.Fatalf("SIGTERM must have been dropped, but the init is gone: %v %+v", err, st)
	}

	// Without --allow-container-restart nothing can work: skipped, and said why.
	o := KillOptions{Grace: 2 * time.Second, Eligible: only(pid), AllNamespaces: true}
	Plan(r, o)
	if p.Action.Result != execute.Skipped || !strings.Contains(p.Action.Message, "kernel drops SIGTERM") || !strings.Contains(p.Action.Message, "--allow-container-restart") {
		t.Fatalf("plan %+v", p.Action)
	}

	o.AllowContainerRestart = true
	Plan(r, o)
	if p.Action.Result != execute.Planned || p.Action.Message[:7] != "SIGKILL" {
		t.Fatalf("plan %+v", p.Action)
	}
	Execute(context.Background(), procfs.FS{Proc: "/proc", Host: "/"}, r, o)
	if p.Action.Result != execute.Succeeded || !strings.Contains(p.Action.Message, "reaped after SIGKILL") {
		t.Fatalf("outcome %+v", p.Action.Outcome)
	}
}

// A worker in a container leaves zombies, and its container's init (a
// plain sleep, as in many tenant images) reaps nothing. Killing the worker
// hands the zombies to that init: with --allow-container-restart the same
// run follows them there and kills the init; without, the outcome says so.
func TestKillRealFollowsZombiesToTheContainerInit(t *testing.T) {
	needRealProc(t)
	for _, allow := range []bool{false, true} {
		t.Run(fmt.Sprintf("allow-container-restart=%t", allow), func(t *testing.T) {
			init := startInPIDNamespace(t, `sh -c "sleep 0.05 & exec sleep 60" & exec sleep 60`)
			var r *Report
			var w *Parent
			for deadline := time.Now().Add(5 * time.Second); w == nil; time.Sleep(50 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("no worker of PID %d ever held a zombie", init)
				}
				var err error
				if r, err = Scan(realEnv); err != nil {
					t.Fatal(err)
				}
				for i := range r.Status.Parents {
					if p := &r.Status.Parents[i]; len(p.Ancestors) > 0 && p.Ancestors[0].PID == init && p.Zombies == 1 {
						w = p
					}
				}
			}
			if w.ContainerInit || len(w.NSpid) != 2 {
				t.Fatalf("the worker: %+v", w)
			}
			o := KillOptions{Grace: 500 * time.Millisecond, Eligible: only(init, w.PID), AllNamespaces: true, AllowContainerRestart: allow}
			Plan(r, o)
			if follows := strings.Contains(w.Action.Message, "SIGKILL of that init follows"); w.Action.Result != execute.Planned || follows != allow {
				t.Fatalf("plan %+v", w.Action)
			}
			for _, p := range r.Status.Parents {
				if p.PID != w.PID && p.Action.Result == execute.Planned {
					t.Fatalf("only the worker may be planned: %+v", p)
				}
			}
			failed := Execute(context.Background(), procfs.FS{Proc: "/proc", Host: "/"}, r, o)
			t.Logf("%s: %s", w.Action.Result, w.Action.Message)
			initAlive := false
			if st, err := (procfs.FS{Proc: "/proc"}).Stat(init); err == nil && !st.Zombie() {
				initAlive = true
			}
			if !allow {
				want := fmt.Sprintf("re-parented to PID %d (sleep, the container's init), which does not reap them: --allow-container-restart would SIGKILL that init", init)
				if failed != 1 || w.Action.Result != execute.Failed || !strings.Contains(w.Action.Message, want) || !initAlive {
					t.Fatalf("failed=%d init alive %t outcome %+v\nwant %q", failed, initAlive, w.Action.Outcome, want)
				}
				return
			}
			want := fmt.Sprintf("reaped after SIGKILL to PID %d (sleep, the container's init)", init)
			if failed != 0 || w.Action.Result != execute.Succeeded || !strings.Contains(w.Action.Message, "following them there") || !strings.Contains(w.Action.Message, want) || initAlive {
				t.Fatalf("failed=%d init alive %t outcome %+v\nwant %q", failed, initAlive, w.Action.Outcome, want)
			}
		})
	}
}

func TestKillRealRecycledPIDIsNeverSignalled(t *testing.T) {
	needRealProc(t)
	_, pid := startHelper(t, "reaper", zombieScript(1, ""))
	t.Cleanup(func() { reap(t, pid) })
	r, p := scanFor(t, pid, 1)
	p.StartTicks++ // as if the planned process had exited and its PID been reused
	o := KillOptions{Grace: time.Second, Eligible: only(pid), AllNamespaces: true}
	Plan(r, o)
	Execute(context.Background(), procfs.FS{Proc: "/proc", Host: "/"}, r, o)
	if p.Action.Result != execute.Conflict || !strings.Contains(p.Action.Message, "recycled") {
		t.Fatalf("outcome %+v", p.Action.Outcome)
	}
	if _, err := os.Stat("/proc/" + itoa(pid)); err != nil {
		t.Fatal("the process must not have been signalled")
	}
}

func TestDefaultPolicyNeverSignalsThisMachinesProcesses(t *testing.T) {
	needRealProc(t)
	_, pid := startHelper(t, "reaper", zombieScript(1, ""))
	t.Cleanup(func() { reap(t, pid) })
	r, _ := scanFor(t, pid, 1)
	Plan(r, KillOptions{Grace: time.Second})
	for _, p := range r.Status.Parents {
		if p.Action.Result != execute.Skipped || !strings.Contains(p.Action.Message, "not signalled") {
			t.Errorf("PID %d (%s) is in no pod's cgroup and must be skipped: %+v", p.PID, p.Command, p.Action)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
