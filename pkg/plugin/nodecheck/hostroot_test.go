package nodecheck

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
)

// host is a synthetic node: a host root and a proc root the test fills.
type host struct {
	t    *testing.T
	env  agent.Env
	now  time.Time
	boot time.Time
}

// newHost builds a quiet node: cgroup v2, pid_max 4194304, 500 tasks, no
// pressure, no swap, an empty mount table and kernel log.
func newHost(t *testing.T) *host {
	root := t.TempDir()
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	h := &host{t: t, now: now, boot: now.Add(-10 * time.Hour),
		env: agent.Env{HostRoot: filepath.Join(root, "host"), ProcRoot: filepath.Join(root, "proc"), NodeName: "node-1", Now: func() time.Time { return now }}}
	h.proc("sys/kernel/pid_max", "4194304\n")
	h.proc("sys/kernel/threads-max", "254720\n")
	h.proc("sys/kernel/osrelease", "6.8.0-49-generic\n")
	h.proc("loadavg", "0.52 0.58 0.59 2/500 12345\n")
	h.proc("stat", "cpu  1 2 3\nbtime "+strconv.FormatInt(h.boot.Unix(), 10)+"\n")
	h.proc("meminfo", "MemTotal:       65843044 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n")
	for _, r := range []string{"memory", "io"} {
		h.proc("pressure/"+r, "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n")
	}
	h.proc("pressure/cpu", "some avg10=1.00 avg60=0.50 avg300=0.10 total=100\n")
	h.proc("1/mountinfo", "22 1 259:1 / / rw,relatime shared:1 - ext4 /dev/root rw\n")
	h.file("sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n")
	h.file("sys/fs/cgroup/cgroup.stat", "nr_descendants 120\nnr_dying_descendants 0\n")
	h.file("var/log/kern.log", "")
	return h
}

func (h *host) write(base, rel, content string) {
	h.t.Helper()
	p := filepath.Join(base, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

func (h *host) proc(rel, content string) { h.write(h.env.ProcRoot, rel, content) }
func (h *host) file(rel, content string) { h.write(h.env.HostRoot, rel, content) }

// pod adds a pod's pids cgroup (cgroup v2, systemd driver).
func (h *host) pod(uid string, current, max string) {
	dir := "sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + strings.ReplaceAll(uid, "-", "_") + ".slice"
	h.file(dir+"/pids.current", current+"\n")
	h.file(dir+"/pids.max", max+"\n")
	h.file(dir+"/cri-containerd-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope/pids.current", current+"\n")
}

// run runs one check with opts.
func (h *host) run(name string, opts Options) Result {
	h.t.Helper()
	rep, err := RunLocal(context.Background(), h.env, []string{name}, nil, opts)
	if err != nil {
		h.t.Fatal(err)
	}
	return rep.Results[0]
}

// codes lists a result's finding codes.
func codes(r Result) string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Code+":"+string(f.Severity))
	}
	return strings.Join(out, " ")
}

func findingOf(t *testing.T, r Result, code string) Finding {
	t.Helper()
	for _, f := range r.Findings {
		if f.Code == code {
			return f
		}
	}
	t.Fatalf("no %s finding in %s (%s): %+v", code, r.Check, r.Reason, r.Findings)
	return Finding{}
}

func metricOf(r Result, name string, labels map[string]string) (float64, bool) {
next:
	for _, m := range r.Metrics {
		if m.Name != name {
			continue
		}
		for k, v := range labels {
			if m.Labels[k] != v {
				continue next
			}
		}
		return m.Value, true
	}
	return 0, false
}
