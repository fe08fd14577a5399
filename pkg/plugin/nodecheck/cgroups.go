package nodecheck

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// cgroupRoot is the host's cgroup mount point.
func cgroupRoot(env agent.Env) string {
	return filepath.Join(env.HostRoot, "sys", "fs", "cgroup")
}

// unified reports a pure cgroup v2 host: cgroup.controllers at the root.
// A hybrid host (v1 controllers, v2 at /sys/fs/cgroup/unified) is v1 here:
// its memory and pids controllers are v1's.
func unified(env agent.Env) bool {
	_, err := os.Stat(filepath.Join(cgroupRoot(env), "cgroup.controllers"))
	return err == nil
}

// hierarchy is the directory of a controller's hierarchy: the root on v2,
// root/<controller> on v1.
func hierarchy(env agent.Env, controller string) string {
	if unified(env) {
		return cgroupRoot(env)
	}
	return filepath.Join(cgroupRoot(env), controller)
}

// podCgroup is one pod's cgroup directory in a hierarchy.
type podCgroup struct {
	UID string
	Dir string
}

// podCgroups finds the pods' cgroups under a hierarchy: the kubelet puts
// them at kubepods[/qos]/pod<uid> (cgroupfs driver) or
// kubepods.slice/kubepods-<qos>.slice/kubepods-<qos>-pod<uid>.slice
// (systemd driver), possibly under a parent cgroup (--cgroup-root, or a
// node inside a container). The walk stops at each pod: containers are not
// visited. maxDepth bounds it on hosts with deep unrelated trees.
func podCgroups(dir string) []podCgroup {
	const maxDepth = 6
	var out []podCgroup
	var walk func(d, rel string, depth int)
	walk = func(d, rel string, depth int) {
		entries, err := os.ReadDir(d)
		if err != nil {
			return
		}
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			r := rel + "/" + e.Name()
			if pc, ok := procfs.ParsePodCgroup(r); ok && pc.ContainerID == "" && pc.PodPath == r {
				out = append(out, podCgroup{UID: pc.PodUID, Dir: filepath.Join(d, e.Name())})
				continue
			}
			inPods := strings.Contains(r, "kubepods")
			if depth < maxDepth && (inPods || depth < 2) {
				walk(filepath.Join(d, e.Name()), r, depth+1)
			}
		}
	}
	walk(dir, "", 0)
	return out
}

// readInt reads a file holding one integer ("max" is -1).
func readInt(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	s := strings.TrimSpace(string(b))
	if s == "max" {
		return -1, nil
	}
	return strconv.ParseInt(s, 10, 64)
}

// keyValues parses "key value" lines (cgroup.stat, memory.stat).
func keyValues(b []byte) map[string]int64 {
	out := map[string]int64{}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		if v, err := strconv.ParseInt(f[1], 10, 64); err == nil {
			out[f[0]] = v
		}
	}
	return out
}

// kernelRelease is the running kernel's version (uname -r).
func kernelRelease(env agent.Env) string {
	b, err := os.ReadFile(filepath.Join(env.ProcRoot, "sys", "kernel", "osrelease"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
