//go:build linux

package certs

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// The guardian tests start this test binary as the guardian: with
// envGuardian set it runs Guard with the settings of the environment and
// exits, as `agent certs-renew guard` does.
const envGuardian = "CERTS_TEST_GUARDIAN"

func TestMain(m *testing.M) {
	if os.Getenv(envGuardian) == "1" {
		token := ""
		for _, a := range os.Args[1:] {
			if v, ok := strings.CutPrefix(a, "--guard-token="); ok {
				token = v
			}
		}
		o := guardOps(os.Getenv("CERTS_TEST_ROOT"))
		out, _ := time.ParseDuration(os.Getenv("CERTS_TEST_OUT"))
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
		st := o.Guard(ctx, Restart{Name: "kube-scheduler", Out: out, Timeout: 5 * time.Second}, token)
		stop()
		if st.Error != "" {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// guardOps is a node under root with one static pod, kube-scheduler.
func guardOps(root string) *NodeOps {
	o := &NodeOps{Host: Host{Root: root}, Layout: DefaultLayout("/")}
	o.Defaults()
	o.leave = func() (string, error) { return "stayed (test)", nil }
	return o
}

func guardNode(t *testing.T) (*NodeOps, string, string) {
	t.Helper()
	root := t.TempDir()
	o := guardOps(root)
	manifest := filepath.Join(root, o.StaticPodDir, "kube-scheduler.yaml")
	if err := os.MkdirAll(filepath.Dir(manifest), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(manifest, []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-scheduler\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return o, manifest, filepath.Join(root, o.parkedPath("kube-scheduler"))
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func TestCgroupMountsAndHierarchies(t *testing.T) {
	mi := `1500 1400 0:80 / / rw - overlay overlay rw
1510 1500 0:29 /kubepods/besteffort/podabc/123 /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu
1520 1500 0:29 / /host/sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
1521 1500 0:30 / /host/sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
1522 1500 0:31 / /host/sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
1523 1500 0:32 / /host/sys/fs/cgroup/unified rw,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate
1524 1500 0:33 /some/where /host/sys/fs/cgroup/pids rw - cgroup cgroup rw,pids
1525 1500 0:34 / /host/var/lib/other rw - cgroup cgroup rw,blkio
1526 1500 0:35 / /host/sys/fs/cgroup/with\040space rw - cgroup cgroup rw,freezer
`
	m := cgroupMounts([]byte(mi), "/host/sys/fs/cgroup/")
	var dirs []string
	for _, x := range m {
		dirs = append(dirs, x.Dir)
	}
	want := "/host/sys/fs/cgroup/cpu /host/sys/fs/cgroup/cpu,cpuacct /host/sys/fs/cgroup/systemd /host/sys/fs/cgroup/unified /host/sys/fs/cgroup/with space"
	if got := strings.Join(dirs, " "); got != want {
		t.Fatalf("mounts\n got %s\nwant %s", got, want)
	}
	for line, want := range map[string]string{
		"4:cpu:/kubepods/x":                "/host/sys/fs/cgroup/cpu",
		"3:cpu,cpuacct:/kubepods/x":        "/host/sys/fs/cgroup/cpu,cpuacct",
		"1:name=systemd:/kubepods/x":       "/host/sys/fs/cgroup/systemd",
		"0::/kubepods/x":                   "/host/sys/fs/cgroup/unified",
		"8:pids:/kubepods/x":               "", // mounted below its root only
		"9:blkio:/kubepods/x":              "", // not under the host's /sys/fs/cgroup
		"2:cpuacct,cpu,memory:/kubepods/x": "",
	} {
		got, ok := mountOf(procfs.ParseCgroup([]byte(line))[0], m)
		if got.Dir != want || ok != (want != "") {
			t.Errorf("%s: %q %v, want %q", line, got.Dir, ok, want)
		}
	}
}

func TestRestoreParked(t *testing.T) {
	o, manifest, parked := guardNode(t)
	root := o.Host.Root
	// Nothing parked: nothing to do, nothing created.
	if rs, busy := o.RestoreParked(""); len(rs)+len(busy) != 0 {
		t.Fatalf("restored %v busy %v", rs, busy)
	}
	if exists(filepath.Join(root, o.BackupDir)) {
		t.Errorf("the backup dir was created")
	}
	if err := os.MkdirAll(filepath.Dir(parked), 0o700); err != nil {
		t.Fatal(err)
	}
	// Parked while the manifest is in place: an older copy, left alone.
	if err := os.WriteFile(parked, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if rs, _ := o.RestoreParked(""); len(rs) != 0 || !exists(parked) {
		t.Errorf("an old copy was restored: %v", rs)
	}
	// Left parked, and a restart still holds it: not touched.
	if err := os.Rename(manifest, parked); err != nil {
		t.Fatal(err)
	}
	unlock, err := o.lockRestart("kube-scheduler")
	if err != nil {
		t.Fatal(err)
	}
	if err := o.writeGuard(GuardStatus{Component: "kube-scheduler", PID: 4242}); err != nil {
		t.Fatal(err)
	}
	rs, busy := o.RestoreParked("")
	if len(rs) != 0 || len(busy) != 1 || !strings.Contains(busy[0], "pid 4242") || exists(manifest) {
		t.Errorf("restored %v busy %v while a restart holds it", rs, busy)
	}
	if st, _ := o.GuardState("kube-scheduler"); !st.Active || st.InPlace {
		t.Errorf("state %+v, want active, not in place", st)
	}
	unlock()
	// Nobody holds it: put back.
	rs, busy = o.RestoreParked("")
	if len(rs) != 1 || rs[0].Component != "kube-scheduler" || rs[0].Error != "" || len(busy) != 0 || !exists(manifest) || exists(parked) {
		t.Errorf("restored %+v busy %v; manifest back %v", rs, busy, exists(manifest))
	}
	if st, _ := o.GuardState("kube-scheduler"); st.Active || !st.InPlace {
		t.Errorf("state %+v, want inactive, in place", st)
	}
}

func TestGuardRestartsAndReports(t *testing.T) {
	o, manifest, parked := guardNode(t)
	var sawParked atomic.Bool
	go func() {
		for i := 0; i < 200 && !sawParked.Load(); i++ {
			if exists(parked) && !exists(manifest) {
				sawParked.Store(true)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	st := o.Guard(context.Background(), Restart{Name: "kube-scheduler", Out: 300 * time.Millisecond, Timeout: time.Second}, "t1")
	if st.Phase != GuardDone || st.Error != "" || !strings.Contains(st.Message, "then back") || st.Until == nil || st.Detached != "stayed (test)" {
		t.Errorf("status %+v", st)
	}
	if !sawParked.Load() || !exists(manifest) || exists(parked) {
		t.Errorf("parked seen %v, manifest back %v", sawParked.Load(), exists(manifest))
	}
	if f, ok := o.readGuard("kube-scheduler"); !ok || f.Token != "t1" || f.Phase != GuardDone {
		t.Errorf("status file %+v", f)
	}
}

func TestGuardThatCannotLeaveChangesNothing(t *testing.T) {
	o, manifest, _ := guardNode(t)
	o.leave = func() (string, error) { return "", errors.New("no cgroup mount") }
	st := o.Guard(context.Background(), Restart{Name: "kube-scheduler", Out: time.Hour}, "t2")
	if st.Phase != GuardDone || !strings.Contains(st.Error, "nothing was changed") || !exists(manifest) {
		t.Errorf("status %+v, manifest in place %v", st, exists(manifest))
	}
}

func TestGuardInterruptedPutsBackAtOnce(t *testing.T) {
	o, manifest, parked := guardNode(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for !exists(parked) {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	began := time.Now()
	st := o.Guard(ctx, Restart{Name: "kube-scheduler", Out: time.Hour, Timeout: time.Hour}, "t3")
	if time.Since(began) > 5*time.Second || !strings.Contains(st.Error, "interrupted") || !exists(manifest) || exists(parked) {
		t.Errorf("after %s: %+v; manifest back %v", time.Since(began), st, exists(manifest))
	}
}

// A wait that never ends (a clock that stands still): the watchdog puts the
// manifest back after the window and the slack, and ends the process.
func TestGuardWatchdog(t *testing.T) {
	o, manifest, parked := guardNode(t)
	frozen := time.Now()
	o.Now = func() time.Time { return frozen }
	o.guardSlack = 200 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	var code atomic.Int32
	code.Store(-1)
	var backWhenExit atomic.Bool
	o.exitFunc = func(c int) {
		backWhenExit.Store(exists(manifest) && !exists(parked))
		code.Store(int32(c))
		cancel() // what os.Exit would end: the stuck wait
	}
	began := time.Now()
	st := o.Guard(ctx, Restart{Name: "kube-scheduler", Out: 100 * time.Millisecond, Timeout: 100 * time.Millisecond}, "t4")
	if d := time.Since(began); d < 400*time.Millisecond || d > 5*time.Second {
		t.Errorf("took %s", d)
	}
	if code.Load() != 1 || !backWhenExit.Load() || !strings.Contains(st.Error, "did not end within") {
		t.Errorf("exit %d, back at exit %v, status %+v", code.Load(), backWhenExit.Load(), st)
	}
	if f, _ := o.readGuard("kube-scheduler"); !strings.Contains(f.Error, "did not end within") {
		t.Errorf("status file %+v", f)
	}
}

// restartGuarded with a real guardian process (this test binary).
func guardianProcess(t *testing.T, out time.Duration) (*NodeOps, string, string) {
	t.Helper()
	o, manifest, parked := guardNode(t)
	t.Setenv(envGuardian, "1")
	t.Setenv("CERTS_TEST_ROOT", o.Host.Root)
	t.Setenv("CERTS_TEST_OUT", out.String())
	o.GuardArgv = func(token string) []string { return []string{os.Args[0], "--guard-token=" + token} }
	return o, manifest, parked
}

func TestRestartGuardedRelaysTheReport(t *testing.T) {
	o, manifest, _ := guardianProcess(t, 300*time.Millisecond)
	msg, st, err := o.restartGuarded(context.Background(), Restart{Name: "kube-scheduler", Out: 300 * time.Millisecond, Timeout: 5 * time.Second})
	if err != nil || !strings.Contains(msg, "then back") || st == nil || st.PID == os.Getpid() || !exists(manifest) {
		t.Errorf("msg %q status %+v err %v", msg, st, err)
	}
}

// The agent interrupted (or killed with its pod): the guardian goes on and
// puts the manifest back after the out-period.
func TestRestartGuardedOutlivesItsAgent(t *testing.T) {
	o, manifest, parked := guardianProcess(t, 1500*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for !exists(parked) {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	_, st, err := o.restartGuarded(ctx, Restart{Name: "kube-scheduler", Out: 1500 * time.Millisecond, Timeout: 5 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "puts") || st == nil || !st.Active {
		t.Fatalf("status %+v err %v", st, err)
	}
	if exists(manifest) {
		t.Fatalf("the manifest is back before the out-period")
	}
	deadline := time.Now().Add(10 * time.Second)
	for !exists(manifest) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if !exists(manifest) || exists(parked) {
		t.Fatalf("the guardian did not put the manifest back")
	}
	for time.Now().Before(deadline) {
		if st, _ := o.GuardState("kube-scheduler"); !st.Active {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("the guardian still holds the lock")
}

// A guardian killed outright while the manifest is out: the agent puts it
// back and says so.
func TestRestartGuardedGuardianKilled(t *testing.T) {
	o, manifest, parked := guardianProcess(t, time.Minute)
	go func() {
		for {
			if st, ok := o.readGuard("kube-scheduler"); ok && st.Phase == GuardParked && st.PID > 0 {
				_ = syscall.Kill(st.PID, syscall.SIGKILL)
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	_, _, err := o.restartGuarded(context.Background(), Restart{Name: "kube-scheduler", Out: time.Minute, Timeout: time.Minute})
	if err == nil || !strings.Contains(err.Error(), "without a report") || !strings.Contains(err.Error(), "moved back") || !exists(manifest) || exists(parked) {
		t.Errorf("err %v; manifest back %v", err, exists(manifest))
	}
}

// SIGTERM to the guardian: the manifest goes back at once.
func TestRestartGuardedGuardianTerminated(t *testing.T) {
	o, manifest, _ := guardianProcess(t, time.Minute)
	go func() {
		for {
			if st, ok := o.readGuard("kube-scheduler"); ok && st.Phase == GuardParked && st.PID > 0 {
				_ = syscall.Kill(st.PID, syscall.SIGTERM)
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	began := time.Now()
	_, st, err := o.restartGuarded(context.Background(), Restart{Name: "kube-scheduler", Out: time.Minute, Timeout: time.Minute})
	if err == nil || !strings.Contains(err.Error(), "interrupted") || st == nil || time.Since(began) > 10*time.Second || !exists(manifest) {
		t.Errorf("after %s: status %+v err %v; manifest back %v", time.Since(began), st, err, exists(manifest))
	}
}
