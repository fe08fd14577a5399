package nodecheck

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
)

// Codes of the mounts check.
const (
	CodeLeakedMounts   = "NC401"
	CodeTransientUnits = "NC402"
)

// transientMountWarning is how many transient systemd mount units make a
// finding: systemd re-reads every mount on each mount table change, and
// with thousands of units it spends a core doing it, slowing every mount
// the kubelet makes.
const transientMountWarning = 1000

// The mounts check: mounts the kubelet left behind. Volume and subPath
// mounts live under the kubelet's pods directory, in
// <root-dir>/pods/<pod uid>/{volumes,volume-subpaths,plugins}/...; once
// the pod is gone from the node nothing will unmount them.
//
// Which pods are on the node: with Options.PodsKnown, the pods the API
// server places there (the client passes their UIDs); always also the pods
// whose cgroups exist on the node (a pod that still runs is not leaking,
// and static pods' directories are named after their config hash). So a
// mount is reported only when neither knows its pod.
func init() {
	Register(Check{
		Name:        "mounts",
		Description: "Leaked volume mounts of pods no longer on the node, and transient systemd mount units piling up",
		Run:         runMounts,
	})
}

// podMount is one mount of a pod's volume.
type podMount struct {
	UID, Path string
}

func runMounts(_ context.Context, env agent.Env, opts Options) Result {
	mounts, err := podMounts(env)
	if err != nil {
		return errorResult("reading the host's mount table: %v", err)
	}
	known := map[string]bool{}
	for _, u := range opts.PodUIDs {
		known[u] = true
	}
	for _, h := range []string{"memory", "pids", "cpu"} {
		for _, pc := range podCgroups(hierarchy(env, h)) {
			known[pc.UID] = true
		}
	}
	leaked := map[string][]string{}
	for _, m := range mounts {
		if !known[m.UID] {
			leaked[m.UID] = append(leaked[m.UID], m.Path)
		}
	}
	res := Result{Metrics: []Metric{{Name: "kubectl_akash_node_pod_volume_mounts", Help: "Mounts under the kubelet's pods directory.", Value: float64(len(mounts))}}}
	uids := make([]string, 0, len(leaked))
	for u := range leaked {
		uids = append(uids, u)
	}
	sort.Strings(uids)
	basis := "no pod of the API server and no pod cgroup on the node has this UID"
	if !opts.PodsKnown {
		basis = "no pod cgroup on the node has this UID (the API server's pods were not compared)"
	}
	total := 0
	for _, u := range uids {
		paths := leaked[u]
		sort.Strings(paths)
		total += len(paths)
		res.Findings = append(res.Findings, Finding{Code: CodeLeakedMounts, Severity: SeverityWarning, PodUID: u,
			Message: fmt.Sprintf("%d mount(s) of pod %s remain although the pod is gone (%s): %s", len(paths), u, basis, listPaths(paths)),
			Fix:     fmt.Sprintf("on the node: umount %s (each listed mount, deepest first), then the kubelet removes the pod's orphaned directory", paths[0])})
	}
	res.Metrics = append(res.Metrics, Metric{Name: "kubectl_akash_node_leaked_pod_mounts", Help: "Mounts of pods that are no longer on the node.", Value: float64(total)})

	units, err := transientMountUnits(env)
	if err == nil {
		res.Metrics = append(res.Metrics, Metric{Name: "kubectl_akash_node_transient_mount_units", Help: "Transient systemd mount units in /run/systemd/transient.", Value: float64(units)})
		if units >= transientMountWarning {
			res.Findings = append(res.Findings, Finding{Code: CodeTransientUnits, Severity: SeverityWarning,
				Message: fmt.Sprintf("%d transient systemd mount units in /run/systemd/transient: systemd re-reads them on every mount change, slowing the kubelet's mounts", units),
				Fix:     "on the node: find the leaked mounts behind them (systemctl list-units --type=mount --all), unmount them, then systemctl daemon-reload"})
		}
	}
	return res
}

// podMounts reads the host's mount table (PID 1's mountinfo: the debug
// pod shares the host's PID namespace, not its mount namespace) and keeps
// the mounts under a kubelet pods directory.
func podMounts(env agent.Env) ([]podMount, error) {
	var firstErr error
	for _, p := range []string{filepath.Join(env.ProcRoot, "1", "mountinfo"), filepath.Join(env.ProcRoot, "self", "mountinfo")} {
		f, err := os.Open(p)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		defer f.Close()
		var out []podMount
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if m, ok := parsePodMount(sc.Text()); ok {
				out = append(out, m)
			}
		}
		return out, sc.Err()
	}
	return nil, firstErr
}

// parsePodMount reads one mountinfo line ("36 35 98:0 /root /mount/point
// opts ... - fstype source superopts"; the mount point is its fifth field,
// octal-escaped) and keeps it when the mount point is a pod volume:
// .../pods/<uid>/{volumes,volume-subpaths,plugins}/... under any kubelet
// root directory.
func parsePodMount(line string) (podMount, bool) {
	f := strings.Fields(line)
	if len(f) < 5 {
		return podMount{}, false
	}
	mp := unescapeMount(f[4])
	elems := strings.Split(mp, "/")
	for i := 0; i+2 < len(elems); i++ {
		if elems[i] != "pods" || !podUIDLike(elems[i+1]) {
			continue
		}
		switch elems[i+2] {
		case "volumes", "volume-subpaths", "plugins":
			return podMount{UID: elems[i+1], Path: mp}, true
		}
	}
	return podMount{}, false
}

// listPaths names the first few paths of a list.
func listPaths(paths []string) string {
	const shown = 3
	if len(paths) <= shown {
		return strings.Join(paths, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(paths[:shown], ", "), len(paths)-shown)
}

// podUIDLike accepts API UIDs and static pods' 32-hex config hashes.
func podUIDLike(s string) bool {
	if len(s) != 36 && len(s) != 32 {
		return false
	}
	for _, c := range s {
		if !(c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// transientMountUnits counts the mount units systemd created at runtime.
func transientMountUnits(env agent.Env) (int, error) {
	entries, err := os.ReadDir(filepath.Join(env.HostRoot, "run", "systemd", "transient"))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".mount") {
			n++
		}
	}
	return n, nil
}
