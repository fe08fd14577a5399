// Package nodeinfo is the `node-debug info` check: a cheap, read-only account
// of one node — hostname, kernel, PID headroom, cgroup version, container
// runtimes — that proves the whole debug-pod path (pod, exec, JSON back) on
// every node before a heavier check is trusted there.
package nodeinfo

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// Kind names of the result objects.
const (
	Kind     = "NodeInfo"
	ListKind = "NodeInfoList"
)

// NodeInfo is one node's answer; metadata.name is the node.
type NodeInfo struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Status            Status `json:"status"`
}

// Status is what the agent found. Error is set (and the rest mostly empty)
// when the node could not be checked.
type Status struct {
	Hostname      string `json:"hostname,omitempty"`
	KernelRelease string `json:"kernelRelease,omitempty"`
	// UptimeSeconds is the host's uptime.
	UptimeSeconds int64 `json:"uptimeSeconds,omitempty"`
	// PIDMax is kernel.pid_max; Processes the number of processes in /proc.
	PIDMax    int64 `json:"pidMax,omitempty"`
	Processes int   `json:"processes,omitempty"`
	// CgroupVersion is "v1", "v2" or "hybrid" (v1 controllers plus a v2 mount).
	CgroupVersion string `json:"cgroupVersion,omitempty"`
	// RuntimeSockets are the container runtime sockets found at their usual
	// paths under the host's root.
	RuntimeSockets []string `json:"runtimeSockets,omitempty"`
	// Daemons are the node daemons seen running (kubelet, containerd, crio, dockerd).
	Daemons []string `json:"daemons,omitempty"`
	Error   string   `json:"error,omitempty"`
}

// NodeInfoList is the result of the command: one item per node.
type NodeInfoList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []NodeInfo `json:"items"`
}

// runtimeSockets are the usual places of CRI and Docker sockets.
var runtimeSockets = []string{
	"run/containerd/containerd.sock",
	"run/k3s/containerd/containerd.sock",
	"var/run/crio/crio.sock",
	"run/crio/crio.sock",
	"var/run/docker.sock",
	"run/cri-dockerd.sock",
}

// daemons are process names worth reporting.
var daemons = map[string]bool{"kubelet": true, "containerd": true, "crio": true, "dockerd": true, "k3s-server": true, "k3s-agent": true}

// Collect reads the node env describes. Missing files leave fields empty
// rather than failing: a partial answer is still useful.
func Collect(env agent.Env) NodeInfo {
	info := NodeInfo{TypeMeta: output.TypeMeta(Kind), ObjectMeta: metav1.ObjectMeta{Name: env.NodeName}}
	s := &info.Status
	s.Hostname = readTrim(filepath.Join(env.ProcRoot, "sys/kernel/hostname"))
	if info.Name == "" {
		info.Name = s.Hostname
	}
	s.KernelRelease = readTrim(filepath.Join(env.ProcRoot, "sys/kernel/osrelease"))
	s.PIDMax, _ = strconv.ParseInt(readTrim(filepath.Join(env.ProcRoot, "sys/kernel/pid_max")), 10, 64)
	if f := strings.Fields(readTrim(filepath.Join(env.ProcRoot, "uptime"))); len(f) > 0 {
		if v, err := strconv.ParseFloat(f[0], 64); err == nil {
			s.UptimeSeconds = int64(v)
		}
	}
	s.CgroupVersion = cgroupVersion(filepath.Join(env.HostRoot, "sys/fs/cgroup"))
	for _, p := range runtimeSockets {
		if fi, err := os.Stat(filepath.Join(env.HostRoot, p)); err == nil && fi.Mode()&os.ModeSocket != 0 {
			s.RuntimeSockets = append(s.RuntimeSockets, "/"+p)
		}
	}
	proc := procfs.FS{Proc: env.ProcRoot}
	pids, err := proc.PIDs()
	if err != nil {
		s.Error = err.Error()
		return info
	}
	s.Processes = len(pids)
	seen := map[string]bool{}
	for _, pid := range pids {
		comm := proc.Comm(pid)
		if daemons[comm] && !seen[comm] {
			seen[comm] = true
			s.Daemons = append(s.Daemons, comm)
		}
	}
	sort.Strings(s.Daemons)
	return info
}

// cgroupVersion tells the hierarchy mounted at dir apart by its files: a v2
// root has cgroup.controllers; a hybrid v1 host has a v2 "unified" mount.
func cgroupVersion(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, "cgroup.controllers")); err == nil {
		return "v2"
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		return ""
	}
	if _, err := os.Stat(filepath.Join(dir, "unified", "cgroup.controllers")); err == nil {
		return "hybrid"
	}
	return "v1"
}

func readTrim(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// Table is the human view: one row per node.
func Table(l *NodeInfoList) *output.Table {
	t := output.NewTable(
		output.Column{Name: "NODE"},
		output.Column{Name: "KERNEL"},
		output.Column{Name: "CGROUP"},
		output.Column{Name: "PROCESSES"},
		output.Column{Name: "PID_MAX"},
		output.Column{Name: "DAEMONS"},
		output.Column{Name: "HOSTNAME", Wide: true},
		output.Column{Name: "UPTIME", Wide: true},
		output.Column{Name: "RUNTIME_SOCKETS", Wide: true},
		output.Column{Name: "ERROR"},
	)
	for _, n := range l.Items {
		s := n.Status
		if s.Error != "" && s.KernelRelease == "" {
			t.AddRow(n.Name, "", "", "", "", "", "", "", "", s.Error)
			continue
		}
		t.AddRow(n.Name, output.Or(s.KernelRelease, "-"), output.Or(s.CgroupVersion, "-"), s.Processes, s.PIDMax,
			output.Or(strings.Join(s.Daemons, ","), "-"), output.Or(s.Hostname, "-"), uptime(s.UptimeSeconds),
			output.Or(strings.Join(s.RuntimeSockets, ","), "-"), s.Error)
	}
	return t
}

func uptime(sec int64) string {
	d, h := sec/86400, sec%86400/3600
	if d > 0 {
		return fmt.Sprintf("%dd%dh", d, h)
	}
	return fmt.Sprintf("%dh%dm", h, sec%3600/60)
}
