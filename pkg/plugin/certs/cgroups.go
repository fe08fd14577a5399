package certs

import (
	"slices"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// cgroupMount is one cgroup hierarchy mounted on the host.
type cgroupMount struct {
	// Dir is its mount point (in this process's view, e.g. under /host).
	Dir string
	// V2 is the unified hierarchy; else Options are the v1 mount's super
	// options, among them its controllers ("cpu", "cpuacct") or its name
	// ("name=systemd").
	V2      bool
	Options []string
}

// cgroupMounts lists the cgroup hierarchies mounted under dir (the host's
// /sys/fs/cgroup as this process sees it) at their root, from a
// /proc/<pid>/mountinfo.
func cgroupMounts(mountinfo []byte, dir string) []cgroupMount {
	dir = strings.TrimSuffix(dir, "/")
	var out []cgroupMount
	for _, line := range strings.Split(string(mountinfo), "\n") {
		pre, post, ok := strings.Cut(line, " - ")
		if !ok {
			continue
		}
		f, g := strings.Fields(pre), strings.Fields(post)
		if len(f) < 5 || len(g) < 3 {
			continue
		}
		root, point := unescapeMount(f[3]), unescapeMount(f[4])
		if root != "/" || (point != dir && !strings.HasPrefix(point, dir+"/")) {
			continue
		}
		switch g[0] {
		case "cgroup2":
			out = append(out, cgroupMount{Dir: point, V2: true})
		case "cgroup":
			out = append(out, cgroupMount{Dir: point, Options: strings.Split(g[2], ",")})
		}
	}
	return out
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) && isOctal(s[i+1:i+4]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < '0' || s[i] > '7' {
			return false
		}
	}
	return true
}

// mountOf is the mount of the hierarchy a /proc/<pid>/cgroup line names.
func mountOf(l procfs.CgroupLine, mounts []cgroupMount) (cgroupMount, bool) {
	for _, m := range mounts {
		if l.ID == "0" && len(l.Controllers) == 0 {
			if m.V2 {
				return m, true
			}
			continue
		}
		if m.V2 || len(l.Controllers) == 0 {
			continue
		}
		all := true
		for _, c := range l.Controllers {
			all = all && slices.Contains(m.Options, c)
		}
		if all {
			return m, true
		}
	}
	return cgroupMount{}, false
}
