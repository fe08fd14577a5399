package nodecheck

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
)

// Codes of the memcg check.
const CodeDyingMemcg = "NC301"

// Thresholds of dying memory cgroups. A dying cgroup was removed but is
// still pinned by the page cache or kernel objects charged to it; the
// kernel keeps walking it in reclaim and in every memory.stat read, so the
// kubelet's (cAdvisor's) stats collection and reclaim slow down as they pile
// up: thousands are felt, tens of thousands stall a node.
const (
	dyingMemcgWarning = 1000
	dyingMemcgError   = 10000
)

// memcgFix is what releases dying memory cgroups, in the order to try it.
const memcgFix = "free the page cache that pins them (on the node: sync; echo 1 > /proc/sys/vm/drop_caches), stop the cgroup churn (crash-looping pods, frequent Jobs), and run a kernel of 5.9 or newer, which reparents slab memory of removed cgroups; a reboot clears them"

// The memcg check: dying memory cgroups ("memcg zombies").
func init() {
	Register(Check{
		Name:        "memcg",
		Description: "Dying memory cgroups: removed cgroups the kernel still holds, which slow reclaim and the kubelet's stats",
		Applies: func(env agent.Env) (bool, string) {
			if _, err := os.Stat(cgroupRoot(env)); err != nil {
				return false, "no cgroup filesystem at " + cgroupRoot(env)
			}
			return true, ""
		},
		Run: runMemcg,
	})
}

func runMemcg(_ context.Context, env agent.Env, _ Options) Result {
	var dying, live int64
	var how string
	if unified(env) {
		b, err := os.ReadFile(filepath.Join(cgroupRoot(env), "cgroup.stat"))
		if err != nil {
			return errorResult("reading cgroup.stat: %v", err)
		}
		st := keyValues(b)
		// nr_dying_subsys_memory (newer kernels) counts the memory
		// controller's own; nr_dying_descendants every controller's.
		if v, ok := st["nr_dying_subsys_memory"]; ok {
			dying, how = v, "nr_dying_subsys_memory of the root cgroup.stat"
		} else {
			v, ok := st["nr_dying_descendants"]
			if !ok {
				return errorResult("%s has no nr_dying_descendants", filepath.Join(cgroupRoot(env), "cgroup.stat"))
			}
			dying, how = v, "nr_dying_descendants of the root cgroup.stat"
		}
		live = st["nr_descendants"]
	} else {
		total, err := memoryCgroups(env)
		if err != nil {
			return errorResult("%v", err)
		}
		live = countDirs(filepath.Join(cgroupRoot(env), "memory"))
		dying = max(total-live, 0)
		how = fmt.Sprintf("/proc/cgroups counts %d memory cgroups, %d directories exist", total, live)
	}
	kernel := kernelRelease(env)
	res := Result{Metrics: []Metric{
		{Name: "kubectl_akash_node_memcg_dying", Help: "Dying (removed but pinned) memory cgroups.", Value: float64(dying)},
		{Name: "kubectl_akash_node_memcg_live", Help: "Live memory cgroups.", Value: float64(live)},
	}}
	sev := SeverityInfo
	switch {
	case dying >= dyingMemcgError:
		sev = SeverityError
	case dying >= dyingMemcgWarning:
		sev = SeverityWarning
	case dying == 0:
		return res
	}
	f := Finding{Code: CodeDyingMemcg, Severity: sev,
		Message: fmt.Sprintf("%d dying memory cgroups (%d live; %s; kernel %s): each is walked by reclaim and stats reads, slowing the kubelet", dying, live, how, orUnknown(kernel))}
	if sev != SeverityInfo {
		f.Fix = memcgFix
	}
	res.Findings = append(res.Findings, f)
	return res
}

// memoryCgroups is the memory controller's num_cgroups in /proc/cgroups:
// live and dying ones alike.
func memoryCgroups(env agent.Env) (int64, error) {
	path := filepath.Join(env.ProcRoot, "cgroups")
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 3 && fields[0] == "memory" {
			return strconv.ParseInt(fields[2], 10, 64)
		}
	}
	return 0, fmt.Errorf("%s has no memory controller line", path)
}

// countDirs counts a directory tree's directories, itself included.
func countDirs(root string) int64 {
	var n int64
	_ = filepath.WalkDir(root, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
