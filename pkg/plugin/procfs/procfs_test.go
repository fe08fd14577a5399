package procfs

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestParseStatTrickyComm(t *testing.T) {
	tail := " 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 7 0 123456 2473984 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0\n"
	cases := []struct {
		line       string
		comm       string
		state      byte
		ppid       int
		threads    int
		startTicks uint64
	}{
		{"42 (sleep) Z 7 42 42" + tail, "sleep", 'Z', 7, 7, 123456},
		{"42 (my app) S 7 42 42" + tail, "my app", 'S', 7, 7, 123456},
		// A name that fakes the end of comm and the next fields: only the
		// LAST ')' ends comm.
		{"42 (a) Z 1 (b) R 9 42 42" + tail, "a) Z 1 (b", 'R', 9, 7, 123456},
		{"42 ()) S 7 42 42" + tail, ")", 'S', 7, 7, 123456},
		{"42 (() S 7 42 42" + tail, "(", 'S', 7, 7, 123456},
		{"42 ( ) ) Z 3 42 42" + tail, " ) ", 'Z', 3, 7, 123456},
		{"42 () S 7 42 42" + tail, "", 'S', 7, 7, 123456},
	}
	for _, c := range cases {
		s, err := ParseStat([]byte(c.line))
		if err != nil {
			t.Fatalf("%q: %v", c.line, err)
		}
		if s.PID != 42 || s.Comm != c.comm || s.State != c.state || s.PPID != c.ppid || s.Threads != c.threads || s.StartTicks != c.startTicks {
			t.Errorf("%q -> %+v, want comm %q state %c ppid %d", c.line, s, c.comm, c.state, c.ppid)
		}
	}
}

func TestParseStatRejectsGarbage(t *testing.T) {
	for _, line := range []string{"", "42", "42 sleep S 1", "x (a) S 1 2 3", "42 (a) S 1 2 3\n", "42 (a) S x 1 1 0 -1 0 0 0 0 0 0 0 0 0 0 0 1 0 5"} {
		if _, err := ParseStat([]byte(line)); err == nil {
			t.Errorf("%q parsed", line)
		}
	}
}

func TestParseStatRealLine(t *testing.T) {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Skip("no /proc")
	}
	s, err := ParseStat(b)
	if err != nil {
		t.Fatal(err)
	}
	if s.PID != os.Getpid() || s.PPID != os.Getppid() || s.State != 'R' || s.Threads < 1 || s.StartTicks == 0 {
		t.Fatalf("%+v", s)
	}
}

func TestParseStatus(t *testing.T) {
	in := "Name:\tsh\nState:\tS (sleeping)\nPPid:\t4711\nNStgid:\t5000\t1\nNSpid:\t5000\t1\nSigIgn:\t0000000000004000\nSigCgt:\t0000000000010002\n"
	s, err := ParseStatus([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "sh" || s.PPID != 4711 || !reflect.DeepEqual(s.NSpid, []int{5000, 1}) {
		t.Fatalf("%+v", s)
	}
	if s.SigCgt != 0x10002 || s.SigIgn != 0x4000 {
		t.Fatalf("masks: cgt %x ign %x", s.SigCgt, s.SigIgn)
	}
	if !s.ContainerInit() {
		t.Fatal("NSpid 5000 1 is a container's PID 1")
	}
}

func TestContainerInit(t *testing.T) {
	cases := []struct {
		nspid []int
		want  bool
	}{
		{[]int{1}, false}, // the host's own PID 1
		{[]int{4711}, false},
		{[]int{4711, 1}, true},
		{[]int{4711, 12}, false},
		{[]int{4711, 30, 1}, true}, // nested namespaces
		{nil, false},
	}
	for _, c := range cases {
		if got := (&Status{NSpid: c.nspid}).ContainerInit(); got != c.want {
			t.Errorf("NSpid %v: %v", c.nspid, got)
		}
	}
}

func TestParsePodCgroup(t *testing.T) {
	uid := "8f4b6c2e-1a2b-4c3d-9e8f-0123456789ab"
	cid := "3f1c5e0a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e"
	under := "8f4b6c2e_1a2b_4c3d_9e8f_0123456789ab"
	cases := []struct {
		name, path, uid, cid, podPath string
	}{
		{"cgroupfs v1 burstable", "/kubepods/burstable/pod" + uid + "/" + cid, uid, cid, "/kubepods/burstable/pod" + uid},
		{"cgroupfs guaranteed", "/kubepods/pod" + uid + "/" + cid, uid, cid, "/kubepods/pod" + uid},
		{"cgroupfs pod level", "/kubepods/besteffort/pod" + uid, uid, "", "/kubepods/besteffort/pod" + uid},
		{"systemd v2 besteffort", "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + under + ".slice/cri-containerd-" + cid + ".scope", uid, cid,
			"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + under + ".slice"},
		{"systemd guaranteed", "/kubepods.slice/kubepods-pod" + under + ".slice/cri-containerd-" + cid + ".scope", uid, cid, "/kubepods.slice/kubepods-pod" + under + ".slice"},
		{"systemd crio", "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + under + ".slice/crio-" + cid + ".scope", uid, cid,
			"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + under + ".slice"},
		{"seen from another cgroup namespace", "/../../kubepods/burstable/pod" + uid + "/" + cid, uid, cid, "/../../kubepods/burstable/pod" + uid},
		{"kubelet --cgroup-root", "/k8s/kubepods/burstable/pod" + uid + "/" + cid, uid, cid, "/k8s/kubepods/burstable/pod" + uid},
		{"nested cgroup inside the container", "/kubepods/burstable/pod" + uid + "/" + cid + "/init.scope", uid, cid, "/kubepods/burstable/pod" + uid},
	}
	for _, c := range cases {
		pc, ok := ParsePodCgroup(c.path)
		if !ok || pc.PodUID != c.uid || pc.ContainerID != c.cid || pc.PodPath != c.podPath {
			t.Errorf("%s: %q -> %+v %v", c.name, c.path, pc, ok)
		}
	}
	for _, p := range []string{"/", "/system.slice/containerd.service", "/user.slice/user-0.slice/session-1.scope", "/pod" + uid + "/x", "/kubepods/burstable", "/kubepods.slice/kubepods-burstable.slice"} {
		if pc, ok := ParsePodCgroup(p); ok {
			t.Errorf("%q is not a pod: %+v", p, pc)
		}
	}
}

func TestPidsCgroup(t *testing.T) {
	v1 := ParseCgroup([]byte("12:pids:/kubepods/besteffort/podX/c\n11:memory:/kubepods/besteffort/podX/c\n1:name=systemd:/kubepods/besteffort/podX/c\n0::/\n"))
	if p, v2, ok := PidsCgroup(v1); !ok || v2 || p != "/kubepods/besteffort/podX/c" {
		t.Fatalf("hybrid v1: %q %v %v", p, v2, ok)
	}
	v2lines := ParseCgroup([]byte("0::/kubepods.slice/x.slice/cri-containerd-c.scope\n"))
	if p, v2, ok := PidsCgroup(v2lines); !ok || !v2 || p != "/kubepods.slice/x.slice/cri-containerd-c.scope" {
		t.Fatalf("v2: %q %v %v", p, v2, ok)
	}
	colon := ParseCgroup([]byte("5:cpu,cpuacct:/a:b\n"))
	if len(colon) != 1 || colon[0].Path != "/a:b" || !reflect.DeepEqual(colon[0].Controllers, []string{"cpu", "cpuacct"}) {
		t.Fatalf("%+v", colon)
	}
}

func TestReadPids(t *testing.T) {
	host := t.TempDir()
	write := func(dir, cur, mx string) {
		d := filepath.Join(host, "sys", "fs", "cgroup", dir)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(d, "pids.current"), []byte(cur+"\n"), 0o644)
		os.WriteFile(filepath.Join(d, "pids.max"), []byte(mx+"\n"), 0o644)
	}
	write("pids/kubepods/burstable/podA", "17", "1024")
	write("kubepods.slice/kubepods-podB.slice", "3", "max")
	fs := FS{Host: host}
	if u, err := fs.ReadPids("/kubepods/burstable/podA", false); err != nil || u.Current != 17 || u.Max != 1024 {
		t.Fatalf("v1: %+v %v", u, err)
	}
	if u, err := fs.ReadPids("/../../kubepods/burstable/podA", false); err != nil || u.Current != 17 {
		t.Fatalf("from another cgroup namespace: %+v %v", u, err)
	}
	if u, err := fs.ReadPids("/kubepods.slice/kubepods-podB.slice", true); err != nil || u.Current != 3 || u.Max != -1 {
		t.Fatalf("v2 unlimited: %+v %v", u, err)
	}
	if _, err := fs.ReadPids("/kubepods/missing", false); err == nil {
		t.Fatal("a missing cgroup must be an error")
	}
}

func TestReadStatsOnRealProc(t *testing.T) {
	fs := FS{Proc: "/proc"}
	pids, err := fs.PIDs()
	if err != nil {
		t.Skip("no /proc")
	}
	stats, errs := fs.ReadStats(pids)
	if len(errs) > 0 {
		t.Fatalf("errors reading /proc: %v", errs)
	}
	found := false
	for _, s := range stats {
		if s.PID == os.Getpid() {
			found = true
		}
	}
	if !found || len(stats) < 2 {
		t.Fatalf("this process (%d) not among %d stats", os.Getpid(), len(stats))
	}
	boot, err := fs.BootTime()
	if err != nil || boot.Year() < 2000 {
		t.Fatalf("boot time %v %v", boot, err)
	}
	if m, err := fs.PIDMax(); err != nil || m < 300 {
		t.Fatalf("pid_max %d %v", m, err)
	}
}
