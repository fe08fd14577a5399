package procfs

import (
	"bytes"
	"strings"
)

// CgroupLine is one line of /proc/<pid>/cgroup:
// "hierarchy-ID:controller,list:/path". cgroup v2 has one line "0::/path";
// cgroup v1 has a line per hierarchy; hybrid hosts have both.
type CgroupLine struct {
	ID          string
	Controllers []string
	Path        string
}

// ParseCgroup parses /proc/<pid>/cgroup. The path is everything after the
// second colon: cgroup names may contain colons.
func ParseCgroup(b []byte) []CgroupLine {
	var out []CgroupLine
	for _, line := range bytes.Split(b, []byte{'\n'}) {
		parts := strings.SplitN(string(line), ":", 3)
		if len(parts) != 3 {
			continue
		}
		l := CgroupLine{ID: parts[0], Path: parts[2]}
		if parts[1] != "" {
			l.Controllers = strings.Split(parts[1], ",")
		}
		out = append(out, l)
	}
	return out
}

// PidsCgroup picks the cgroup that counts the process's PIDs: the v1
// hierarchy with the pids controller when there is one (hybrid hosts have a
// "0::" line too, but its pids controller is not enabled there), else the
// unified v2 path. v2 is false for a v1 path.
func PidsCgroup(lines []CgroupLine) (path string, v2 bool, ok bool) {
	for _, l := range lines {
		for _, c := range l.Controllers {
			if c == "pids" {
				return l.Path, false, true
			}
		}
	}
	for _, l := range lines {
		if l.ID == "0" && len(l.Controllers) == 0 {
			return l.Path, true, true
		}
	}
	return "", false, false
}

// PodCgroup is what a kubelet-managed cgroup path says about a process.
type PodCgroup struct {
	// PodUID is the pod's metadata.uid (dashes restored).
	PodUID string
	// ContainerID is the runtime's container ID (64 hex for containerd), or
	// "" for a process directly in the pod's cgroup.
	ContainerID string
	// PodPath is the path up to and including the pod's own cgroup, the
	// one whose pids.max is the pod's limit.
	PodPath string
}

// Container runtimes' scope prefixes under the systemd cgroup driver.
var scopePrefixes = []string{"cri-containerd-", "crio-", "docker-"}

// ParsePodCgroup reads the pod UID and container ID from a cgroup path of
// either kubelet cgroup driver, cgroup v1 or v2 alike:
//
//	systemd:  /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid with _>.slice/cri-containerd-<id>.scope
//	cgroupfs: /kubepods/burstable/pod<uid>/<id>      (guaranteed pods: /kubepods/pod<uid>/<id>)
//
// A path seen from inside another cgroup namespace starts with "/.." parts;
// they are kept in PodPath (ResolvePodPath deals with them). ok is false
// for a process that is not in a pod.
func ParsePodCgroup(path string) (PodCgroup, bool) {
	elems := strings.Split(path, "/")
	inKubepods := false
	for i, e := range elems {
		if strings.HasPrefix(e, "kubepods") {
			inKubepods = true
		}
		if !inKubepods {
			continue
		}
		uid := ""
		switch {
		case strings.HasPrefix(e, "kubepods") && strings.HasSuffix(e, ".slice") && strings.Contains(e, "-pod"):
			uid = strings.ReplaceAll(strings.TrimSuffix(e[strings.LastIndex(e, "-pod")+4:], ".slice"), "_", "-")
		case strings.HasPrefix(e, "pod"):
			uid = e[3:]
		}
		if !looksLikeUID(uid) {
			continue
		}
		pc := PodCgroup{PodUID: uid, PodPath: strings.Join(elems[:i+1], "/")}
		if i+1 < len(elems) {
			pc.ContainerID = containerID(elems[i+1])
		}
		return pc, true
	}
	return PodCgroup{}, false
}

// containerID strips the runtime's scope decoration from a container's
// cgroup name.
func containerID(e string) string {
	e = strings.TrimSuffix(e, ".scope")
	for _, p := range scopePrefixes {
		e = strings.TrimPrefix(e, p)
	}
	if !isHex(e) {
		return ""
	}
	return e
}

// looksLikeUID accepts API UIDs (8-4-4-4-12 hex) and the 32-hex config
// hashes static pods' cgroups are named after.
func looksLikeUID(s string) bool {
	if len(s) < 32 {
		return false
	}
	for _, c := range s {
		if !(c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	if len(s) < 12 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
