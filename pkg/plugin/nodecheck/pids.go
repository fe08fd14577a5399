package nodecheck

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// Codes of the pids check.
const (
	CodePIDMax         = "NC201"
	CodeThreadsMax     = "NC202"
	CodePodPidsUnset   = "NC203"
	CodePodPidsFull    = "NC204"
	CodeTopPIDPods     = "NC205"
	CodePodPidsUnknown = "NC206"
	CodePodPidsTooHigh = "NC207"
)

// topPIDPods is how many pods the pids check lists by PID count.
const topPIDPods = 5

// The pids check: the node's PID headroom. Every thread holds a PID, so
// what kernel.pid_max and kernel.threads-max limit is processes plus
// threads (the task count of /proc/loadavg). One tenant without a per-pod
// limit (the kubelet's podPidsLimit, unset by default) can take them all,
// and then nothing on the node can fork: not the kubelet, not containerd,
// not sshd.
func init() {
	Register(Check{
		Name:        "pids",
		Description: "PID headroom: pid_max and threads-max against tasks now, the kubelet's podPidsLimit, pods near their pids.max, top pods by PIDs",
		Kubelet:     true,
		Run:         runPids,
	})
}

// podPids is one pod's pids cgroup.
type podPids struct {
	UID          string
	Current, Max int64
}

func runPids(_ context.Context, env agent.Env, opts Options) Result {
	fs := procfs.FS{Proc: env.ProcRoot, Host: env.HostRoot}
	res := Result{}
	pidMax, err := fs.PIDMax()
	if err != nil {
		return errorResult("reading kernel.pid_max: %v", err)
	}
	tasks, err := loadavgTasks(env)
	if err != nil {
		return errorResult("counting tasks: %v", err)
	}
	procs := 0
	if pids, err := fs.PIDs(); err == nil {
		procs = len(pids)
	}
	threadsMax, terr := readInt(filepath.Join(env.ProcRoot, "sys", "kernel", "threads-max"))
	pct := opts.pidPressure()
	node := nodeArg(env)
	res.Metrics = append(res.Metrics,
		Metric{Name: "kubectl_akash_node_pid_max", Help: "kernel.pid_max.", Value: float64(pidMax)},
		Metric{Name: "kubectl_akash_node_tasks", Help: "Processes and threads on the node: each holds a PID.", Value: float64(tasks)},
		Metric{Name: "kubectl_akash_node_processes", Help: "Processes on the node.", Value: float64(procs)})
	if full(tasks, pidMax, pct) {
		res.Findings = append(res.Findings, Finding{Code: CodePIDMax, Severity: SeverityError,
			Message: fmt.Sprintf("%d of kernel.pid_max %d PIDs are taken by processes and threads (%d%%): at the limit no process on the node can fork", tasks, pidMax, tasks*100/pidMax),
			Fix:     fmt.Sprintf("raise it on the node (sysctl -w kernel.pid_max=4194304, and in /etc/sysctl.d), find what holds the PIDs (kubectl akash node-debug health %s --checks pids -o json), and set the kubelet's podPidsLimit", node)})
	}
	if terr == nil {
		res.Metrics = append(res.Metrics, Metric{Name: "kubectl_akash_node_threads_max", Help: "kernel.threads-max.", Value: float64(threadsMax)})
		if full(tasks, threadsMax, pct) {
			res.Findings = append(res.Findings, Finding{Code: CodeThreadsMax, Severity: SeverityError,
				Message: fmt.Sprintf("%d of kernel.threads-max %d threads exist (%d%%): at the limit clone() fails for every process", tasks, threadsMax, tasks*100/threadsMax),
				Fix:     "raise kernel.threads-max on the node (sysctl -w kernel.threads-max=N, and in /etc/sysctl.d) and set the kubelet's podPidsLimit"})
		}
	} else {
		res.Findings = append(res.Findings, Finding{Code: CodeUnreadable, Severity: SeverityInfo, Message: "kernel.threads-max: " + terr.Error()})
	}
	k, note, why := kubeletSettings(env, opts)
	if note != "" {
		res.Findings = append(res.Findings, Finding{Code: CodeKubeletFile, Severity: SeverityInfo, Message: note})
	}
	res.Findings = append(res.Findings, podPidsLimitFindings(k, why, pidMax)...)
	if k != nil && k.PodPidsLimit != nil {
		res.Metrics = append(res.Metrics, Metric{Name: "kubectl_akash_node_kubelet_pod_pids_limit", Help: "The kubelet's podPidsLimit (-1: none).", Value: float64(*k.PodPidsLimit)})
	}

	pods := readPodPids(env)
	sort.Slice(pods, func(i, j int) bool {
		if pods[i].Current != pods[j].Current {
			return pods[i].Current > pods[j].Current
		}
		return pods[i].UID < pods[j].UID
	})
	for i, p := range pods {
		res.Metrics = append(res.Metrics, Metric{Name: "kubectl_akash_node_pod_pids", Help: "PIDs in the pod's pids cgroup.", Labels: map[string]string{"pod_uid": p.UID}, Value: float64(p.Current)})
		if full(p.Current, p.Max, pct) {
			res.Findings = append(res.Findings, Finding{Code: CodePodPidsFull, Severity: SeverityError, PodUID: p.UID,
				Message: fmt.Sprintf("the pod holds %d of its %d PIDs (pids.max): its processes will fail to fork", p.Current, p.Max),
				Fix:     fmt.Sprintf("look for zombies (kubectl akash node-debug zombies %s) or a fork loop in the workload: the limit protects the node, the workload must reap its children", node)})
		} else if i < topPIDPods && p.Current > 0 {
			limit := "no limit"
			if p.Max >= 0 {
				limit = "pids.max " + strconv.FormatInt(p.Max, 10)
			}
			res.Findings = append(res.Findings, Finding{Code: CodeTopPIDPods, Severity: SeverityInfo, PodUID: p.UID,
				Message: fmt.Sprintf("top pod by PIDs #%d: %d PIDs (%s)", i+1, p.Current, limit)})
		}
	}
	return res
}

// podPidsLimitFindings judge the kubelet's podPidsLimit.
func podPidsLimitFindings(k *KubeletSettings, why string, pidMax int64) []Finding {
	if k == nil || k.PodPidsLimit == nil {
		if why == "" {
			why = "the kubelet's configuration does not say"
		}
		return []Finding{{Code: CodePodPidsUnknown, Severity: SeverityInfo, Message: "podPidsLimit unknown: " + why}}
	}
	limit := *k.PodPidsLimit
	if limit <= 0 {
		return []Finding{{Code: CodePodPidsUnset, Severity: SeverityWarning,
			Message: fmt.Sprintf("the kubelet's podPidsLimit is unset (%d, from %s): one tenant's fork bomb or zombie pile can take every PID of the node", limit, k.Source),
			Fix:     "set podPidsLimit in the kubelet's configuration (e.g. podPidsLimit: 4096 in /var/lib/kubelet/config.yaml) and restart the kubelet"}}
	}
	maxPods := int64(110)
	if k.MaxPods != nil {
		maxPods = int64(*k.MaxPods)
	}
	if pidMax > 0 && limit*maxPods > pidMax {
		return []Finding{{Code: CodePodPidsTooHigh, Severity: SeverityInfo,
			Message: fmt.Sprintf("podPidsLimit %d × maxPods %d exceeds kernel.pid_max %d: a few pods at their limit still exhaust the node", limit, maxPods, pidMax),
			Fix:     "raise kernel.pid_max (sysctl -w kernel.pid_max=4194304) or lower podPidsLimit"}}
	}
	return nil
}

// full: cur has reached pct percent of a positive limit.
func full(cur, limit int64, pct int) bool {
	return limit > 0 && cur*100 >= limit*int64(pct)
}

// loadavgTasks is the number of tasks (processes and threads) the kernel
// has: the denominator of /proc/loadavg's fourth field.
func loadavgTasks(env agent.Env) (int64, error) {
	b, err := os.ReadFile(filepath.Join(env.ProcRoot, "loadavg"))
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b))
	if len(f) < 4 {
		return 0, fmt.Errorf("%s: unexpected %q", filepath.Join(env.ProcRoot, "loadavg"), b)
	}
	_, total, ok := strings.Cut(f[3], "/")
	if !ok {
		return 0, fmt.Errorf("%s: unexpected %q", filepath.Join(env.ProcRoot, "loadavg"), b)
	}
	return strconv.ParseInt(total, 10, 64)
}

// readPodPids reads pids.current and pids.max of every pod's cgroup.
func readPodPids(env agent.Env) []podPids {
	var out []podPids
	seen := map[string]bool{}
	for _, pc := range podCgroups(hierarchy(env, "pids")) {
		if seen[pc.UID] {
			continue
		}
		cur, err := readInt(filepath.Join(pc.Dir, "pids.current"))
		if err != nil {
			continue
		}
		mx, err := readInt(filepath.Join(pc.Dir, "pids.max"))
		if err != nil {
			mx = -1
		}
		seen[pc.UID] = true
		out = append(out, podPids{UID: pc.UID, Current: cur, Max: mx})
	}
	return out
}
