package nodecheck

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
)

// Codes of the pressure check.
const (
	CodePSIOff       = "NC600"
	CodePSIMemory    = "NC601"
	CodePSICPU       = "NC602"
	CodePSIIO        = "NC603"
	CodeOOMKillPod   = "NC604"
	CodeOOMKillNode  = "NC605"
	CodeSwapState    = "NC606"
	CodeKernelLogGap = "NC607"
)

// psiLimit is when a PSI average (percent of wall time over the last 60 s:
// avg10 is too noisy to judge) makes a finding. "some" is the share of time
// at least one task waited for the resource, "full" the share all
// non-idle tasks did: full memory pressure is the kernel thrashing just
// before its OOM killer.
type psiLimit struct {
	resource, kind string
	avg60          float64
	code           string
	severity       Severity
	why            string
}

var psiLimits = []psiLimit{
	{"memory", "full", 5, CodePSIMemory, SeverityError, "every running task of the node was stalled on memory (reclaim, swap-in, refaults): the OOM killer is next"},
	{"memory", "some", 10, CodePSIMemory, SeverityWarning, "tasks stall on memory reclaim: pods slow down before any limit is hit"},
	{"cpu", "some", 50, CodePSICPU, SeverityWarning, "runnable tasks wait for a CPU half the time: the node is oversubscribed"},
	{"io", "full", 10, CodePSIIO, SeverityWarning, "every running task was stalled on I/O: image pulls and volume setup crawl"},
	{"io", "some", 30, CodePSIIO, SeverityWarning, "tasks stall on I/O a third of the time"},
}

// The pressure check: memory, CPU and I/O pressure (PSI) before the OOM
// killer acts, the OOM kills it did (attributed to their pod through the
// cgroup in the kernel's message), and the node's swap.
func init() {
	Register(Check{
		Name:        "pressure",
		Description: "PSI memory, CPU and I/O pressure, recent OOM kills by pod and lease, swap",
		Run:         runPressure,
	})
}

func runPressure(_ context.Context, env agent.Env, opts Options) Result {
	res := Result{}
	psiOff := 0
	for _, resource := range []string{"memory", "cpu", "io"} {
		psi, err := readPSI(filepath.Join(env.ProcRoot, "pressure", resource))
		if err != nil {
			psiOff++
			continue
		}
		for kind, avgs := range psi {
			for window, v := range avgs {
				res.Metrics = append(res.Metrics, Metric{Name: "kubectl_akash_node_pressure_ratio", Help: "PSI: share of time (0-100) tasks stalled on a resource.",
					Labels: map[string]string{"resource": resource, "kind": kind, "window": strings.TrimPrefix(window, "avg") + "s"}, Value: v})
			}
		}
		for _, l := range psiLimits {
			if l.resource != resource {
				continue
			}
			if v, ok := psi[l.kind]["avg60"]; ok && v >= l.avg60 {
				res.Findings = append(res.Findings, Finding{Code: l.code, Severity: l.severity,
					Message: fmt.Sprintf("%s pressure %s avg60=%.2f%% (avg10=%.2f%%, at least %.0f%% is a problem): %s", resource, l.kind, v, psi[l.kind]["avg10"], l.avg60, l.why),
					Fix:     psiFix(resource, nodeArg(env))})
				break // the first (worst) limit crossed is enough
			}
		}
	}
	if psiOff == 3 {
		res.Findings = append(res.Findings, Finding{Code: CodePSIOff, Severity: SeverityInfo,
			Message: "pressure stall information is off (no " + filepath.Join(env.ProcRoot, "pressure") + "): the kernel was built or booted without it",
			Fix:     "boot the node with psi=1 on the kernel command line"})
	}
	res.Findings = append(res.Findings, oomFindings(env, opts)...)
	if total, free, err := swapKB(env); err == nil {
		res.Metrics = append(res.Metrics,
			Metric{Name: "kubectl_akash_node_swap_bytes", Help: "Swap space of the node.", Value: float64(total * 1024)},
			Metric{Name: "kubectl_akash_node_swap_used_bytes", Help: "Swap space in use.", Value: float64((total - free) * 1024)})
		if total > 0 {
			res.Findings = append(res.Findings, Finding{Code: CodeSwapState, Severity: SeverityInfo,
				Message: fmt.Sprintf("swap is on: %d MiB, %d MiB used", total/1024, (total-free)/1024)})
		}
	}
	return res
}

func psiFix(resource, node string) string {
	switch resource {
	case "memory":
		return fmt.Sprintf("find the pods that use the memory (kubectl top pods -A --sort-by=memory, on node %s) and set evictionHard memory.available so the kubelet evicts before the kernel kills", node)
	case "cpu":
		return fmt.Sprintf("find the busy pods (kubectl top pods -A --sort-by=cpu, on node %s); lower the provider's CPU overcommit for this node", node)
	}
	return "find the processes doing I/O on the node (iotop, pidstat -d) and the pods they belong to"
}

// readPSI parses a /proc/pressure file: "some avg10=0.12 avg60=0.05
// avg300=0.01 total=12345" and, for memory and io (cpu too since 5.13),
// a "full" line.
func readPSI(path string) (map[string]map[string]float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]float64{}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || (f[0] != "some" && f[0] != "full") {
			continue
		}
		avgs := map[string]float64{}
		for _, kv := range f[1:] {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || !strings.HasPrefix(k, "avg") {
				continue
			}
			if x, err := strconv.ParseFloat(v, 64); err == nil {
				avgs[k] = x
			}
		}
		out[f[0]] = avgs
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no some/full lines", path)
	}
	return out, nil
}
