package nodeinfo

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
)

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A synthetic host: a v2 cgroup root, a containerd socket, three processes.
func TestCollectReadsASyntheticHost(t *testing.T) {
	host, proc := t.TempDir(), t.TempDir()
	write(t, filepath.Join(proc, "sys/kernel/hostname"), "node-a\n")
	write(t, filepath.Join(proc, "sys/kernel/osrelease"), "6.1.0-test\n")
	write(t, filepath.Join(proc, "sys/kernel/pid_max"), "4194304\n")
	write(t, filepath.Join(proc, "uptime"), "93784.12 100.0\n")
	for pid, comm := range map[string]string{"1": "systemd", "200": "kubelet", "300": "containerd"} {
		write(t, filepath.Join(proc, pid, "comm"), comm+"\n")
	}
	write(t, filepath.Join(proc, "self-not-a-pid", "comm"), "x")
	write(t, filepath.Join(host, "sys/fs/cgroup/cgroup.controllers"), "cpu pids\n")
	sock := filepath.Join(host, "run/containerd/containerd.sock")
	if err := os.MkdirAll(filepath.Dir(sock), 0o755); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("cannot make a unix socket here: %v", err)
	}
	defer l.Close()

	info := Collect(agent.Env{HostRoot: host, ProcRoot: proc})
	s := info.Status
	if info.Name != "node-a" || s.KernelRelease != "6.1.0-test" || s.PIDMax != 4194304 || s.Processes != 3 ||
		s.CgroupVersion != "v2" || s.UptimeSeconds != 93784 {
		t.Errorf("got %+v", info)
	}
	if strings.Join(s.Daemons, ",") != "containerd,kubelet" || strings.Join(s.RuntimeSockets, ",") != "/run/containerd/containerd.sock" {
		t.Errorf("daemons %v sockets %v", s.Daemons, s.RuntimeSockets)
	}
	if uptime(s.UptimeSeconds) != "1d2h" {
		t.Errorf("uptime %s", uptime(s.UptimeSeconds))
	}
}

func TestCgroupVersions(t *testing.T) {
	v1, hybrid := t.TempDir(), t.TempDir()
	write(t, filepath.Join(v1, "pids/tasks"), "")
	write(t, filepath.Join(hybrid, "pids/tasks"), "")
	write(t, filepath.Join(hybrid, "unified/cgroup.controllers"), "")
	if got := cgroupVersion(v1); got != "v1" {
		t.Errorf("v1: %q", got)
	}
	if got := cgroupVersion(hybrid); got != "hybrid" {
		t.Errorf("hybrid: %q", got)
	}
	if got := cgroupVersion(filepath.Join(v1, "missing")); got != "" {
		t.Errorf("missing: %q", got)
	}
}
