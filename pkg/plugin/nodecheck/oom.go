package nodecheck

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// OOMKill is one process the kernel's OOM killer killed.
type OOMKill struct {
	PID  int
	Task string
	// Memcg is the killed task's memory cgroup (task_memcg, or the "Task
	// in" path of older kernels); PodUID is read from it.
	Memcg  string
	PodUID string
	// Node is true for a node-wide OOM (CONSTRAINT_NONE, "Out of
	// memory:"), false for a cgroup's limit (CONSTRAINT_MEMCG).
	Node bool
	// At is when, when the log says; SinceBoot (seconds, -1 unknown)
	// otherwise.
	At        time.Time
	SinceBoot float64
}

var (
	// "Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:..."
	// "Out of memory: Killed process 1234 (java) ..."; older kernels say
	// "Killed process 62769 (cp) ..." after "... Kill process N (x) score 0
	// or sacrifice child".
	killedRE = regexp.MustCompile(`(?:^|: |\] )Killed process (\d+) \(([^)]*)\)`)
	// "Task in /kubepods/pod<uid>/<id> killed as a result of limit of /kubepods/..." (before 4.19)
	taskInRE = regexp.MustCompile(`Task in (\S+) killed as a result of limit of (\S+)`)
)

// ParseOOMKills finds the OOM kills in kernel log lines: the
// "oom-kill:constraint=...,task_memcg=...,task=...,pid=..." summary the
// kernel logs for each kill since 4.19 (the "Killed process" line after it
// adds nothing), or, on older kernels, "Killed process" joined with the
// "Task in <memcg> killed" line before it. Lines may carry a journal or
// syslog prefix.
func ParseOOMKills(lines []gpu.KernelLine) []OOMKill {
	var out []OOMKill
	taskIn := ""     // the memcg of an older kernel's "Task in" line
	summarized := -1 // the PID of the last oom-kill summary
	emit := func(k OOMKill, l gpu.KernelLine) {
		if pc, ok := procfs.ParsePodCgroup(k.Memcg); ok {
			k.PodUID = pc.PodUID
		}
		k.At, k.SinceBoot = l.At, l.SinceBoot
		out = append(out, k)
	}
	for _, l := range lines {
		msg := strings.TrimSpace(l.Msg)
		if i := strings.Index(msg, "oom-kill:constraint="); i >= 0 {
			kv := map[string]string{}
			for _, part := range strings.Split(msg[i+len("oom-kill:"):], ",") {
				k, v, _ := strings.Cut(part, "=")
				kv[k] = v
			}
			pid, _ := strconv.Atoi(kv["pid"])
			summarized, taskIn = pid, ""
			emit(OOMKill{PID: pid, Task: kv["task"], Memcg: kv["task_memcg"], Node: kv["constraint"] == "CONSTRAINT_NONE"}, l)
			continue
		}
		if m := taskInRE.FindStringSubmatch(msg); m != nil {
			taskIn = m[1]
			continue
		}
		m := killedRE.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		pid, _ := strconv.Atoi(m[1])
		if pid == summarized {
			summarized = -1
			continue
		}
		node := strings.Contains(msg, "Out of memory: Kill") && !strings.Contains(msg, "Memory cgroup out of memory")
		emit(OOMKill{PID: pid, Task: m[2], Memcg: taskIn, Node: node && taskIn == ""}, l)
		taskIn = ""
	}
	return out
}

// oomFindings reads the kernel log (the host's /dev/kmsg, or
// Options.KernelLog) and reports the OOM kills of the window: one finding
// per pod (its count and the last kill), one per node-wide OOM. An
// unreadable log is said, not fatal.
func oomFindings(env agent.Env, opts Options) []Finding {
	path := filepath.Join(env.HostRoot, "dev", "kmsg")
	live := true
	if opts.KernelLog != "" {
		path = filepath.Join(env.HostRoot, opts.KernelLog)
		fi, err := os.Stat(path)
		live = err == nil && fi.Mode()&os.ModeCharDevice != 0
	}
	lines, err := gpu.ReadKernelLog(path)
	if err != nil {
		return []Finding{{Code: CodeKernelLogGap, Severity: SeverityInfo,
			Message: fmt.Sprintf("OOM kills not checked: the kernel log could not be read: %v", err),
			Fix:     "run as root (the debug pod is privileged), or pass --kernel-log with a saved dmesg"}}
	}
	now := time.Now()
	if env.Now != nil {
		now = env.Now()
	}
	var boot time.Time
	if live {
		if b, err := (procfs.FS{Proc: env.ProcRoot}).BootTime(); err == nil {
			boot = b
		}
	}
	window := opts.oomWindow()
	type group struct {
		n    int
		last OOMKill
	}
	byPod := map[string]*group{}
	var out []Finding
	for _, k := range ParseOOMKills(lines) {
		if k.At.IsZero() && !boot.IsZero() && k.SinceBoot >= 0 {
			k.At = boot.Add(time.Duration(k.SinceBoot * float64(time.Second)))
		}
		if !k.At.IsZero() && now.Sub(k.At) > window {
			continue
		}
		if k.Node || k.PodUID == "" {
			where := "outside any pod"
			if k.Memcg != "" {
				where = "in cgroup " + k.Memcg
			}
			sev, code, what := SeverityWarning, CodeOOMKillPod, "hit its cgroup's memory limit"
			if k.Node {
				sev, code, what = SeverityError, CodeOOMKillNode, "was killed because the node ran out of memory"
			}
			out = append(out, Finding{Code: code, Severity: sev, PodUID: k.PodUID,
				Message: fmt.Sprintf("the OOM killer killed %s (PID %d, %s) %s: it %s", k.Task, k.PID, where, when(k), what),
				Fix:     "reserve memory for the system and set evictionHard memory.available, so the kubelet evicts a pod before the kernel kills at random (kubectl akash node-debug health " + nodeArg(env) + " --checks kubelet)"})
			continue
		}
		g := byPod[k.PodUID]
		if g == nil {
			g = &group{}
			byPod[k.PodUID] = g
		}
		g.n++
		g.last = k
	}
	uids := make([]string, 0, len(byPod))
	for u := range byPod {
		uids = append(uids, u)
	}
	sort.Strings(uids)
	for _, u := range uids {
		g := byPod[u]
		out = append(out, Finding{Code: CodeOOMKillPod, Severity: SeverityWarning, PodUID: u,
			Message: fmt.Sprintf("%d OOM kill(s) in the pod at its memory limit, the last of %s (PID %d) %s", g.n, g.last.Task, g.last.PID, when(g.last)),
			Fix:     "the workload needs more memory than its lease's resources grant: its owner must fix the leak or redeploy with more memory"})
	}
	return out
}

// when says when a kill happened, as far as the log knows.
func when(k OOMKill) string {
	switch {
	case !k.At.IsZero():
		return "at " + k.At.UTC().Format(time.RFC3339)
	case k.SinceBoot >= 0:
		return fmt.Sprintf("at uptime %.0f s of the boot that logged it", k.SinceBoot)
	}
	return "(time unknown)"
}
