// Package proctree writes synthetic /proc trees (and the pids cgroup files
// beside them) for tests and benchmarks: the shapes a real node has —
// systemd, containerd, the kubelet, a containerd-shim per pod with its
// pause and workload processes, zombies under chosen parents — at any size,
// without a kernel. The files hold exactly the lines the procfs parsers
// read, in the kernel's formats.
package proctree

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Proc is one synthetic process.
type Proc struct {
	PID, PPID  int
	Comm       string
	State      byte // 'S' when zero
	StartTicks uint64
	Threads    int   // 1 when zero
	NSpid      []int // [PID] when empty
	SigCgt     uint64
	SigIgn     uint64
	// Cgroup is the body of /proc/<pid>/cgroup ("0::/\n" when empty).
	Cgroup string
}

// Tree is a synthetic host.
type Tree struct {
	Procs    []Proc
	BootTime int64 // btime, seconds since the epoch
	PIDMax   int64
	// Pids are pids cgroup directories (relative to /sys/fs/cgroup on the
	// host) and their "current max" counters.
	Pids map[string][2]string
	// Lean writes status and cgroup only for zombies' parents (all a scan
	// reads besides stat), so a 100,000-process tree is quick to lay out.
	Lean bool
}

// Write lays the tree out under root: root/proc and root/host. It returns
// the two directories.
func (t *Tree) Write(root string) (proc, host string, err error) {
	proc, host = filepath.Join(root, "proc"), filepath.Join(root, "host")
	if err := os.MkdirAll(filepath.Join(proc, "sys", "kernel"), 0o755); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(filepath.Join(proc, "stat"), []byte(fmt.Sprintf("cpu  1 2 3 4\nbtime %d\nprocesses %d\n", t.BootTime, len(t.Procs))), 0o644); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(filepath.Join(proc, "sys", "kernel", "pid_max"), []byte(strconv.FormatInt(t.PIDMax, 10)+"\n"), 0o644); err != nil {
		return "", "", err
	}
	parents := map[int]bool{}
	for i := range t.Procs {
		if t.Procs[i].State == 'Z' {
			parents[t.Procs[i].PPID] = true
		}
	}
	for i := range t.Procs {
		full := !t.Lean || parents[t.Procs[i].PID]
		if err := writeProc(proc, &t.Procs[i], full); err != nil {
			return "", "", err
		}
	}
	for dir, c := range t.Pids {
		d := filepath.Join(host, "sys", "fs", "cgroup", dir)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", "", err
		}
		if err := os.WriteFile(filepath.Join(d, "pids.current"), []byte(c[0]+"\n"), 0o644); err != nil {
			return "", "", err
		}
		if err := os.WriteFile(filepath.Join(d, "pids.max"), []byte(c[1]+"\n"), 0o644); err != nil {
			return "", "", err
		}
	}
	return proc, host, nil
}

// StatLine renders a process's stat line as the kernel does (52 fields).
func StatLine(p *Proc) string {
	state, threads := p.State, p.Threads
	if state == 0 {
		state = 'S'
	}
	if threads == 0 {
		threads = 1
	}
	// pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt
	// majflt cmajflt utime stime cutime cstime priority nice num_threads
	// itrealvalue starttime vsize rss ... (fields 23-52 as zeros and
	// plausible values)
	return fmt.Sprintf("%d (%s) %c %d %d %d 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 %d 0 %d 2473984 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
		p.PID, p.Comm, state, p.PPID, p.PID, p.PID, threads, p.StartTicks)
}

func writeProc(proc string, p *Proc, full bool) error {
	dir := filepath.Join(proc, strconv.Itoa(p.PID))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "stat"), []byte(StatLine(p)), 0o644); err != nil {
		return err
	}
	if !full {
		return nil
	}
	nspid := p.NSpid
	if len(nspid) == 0 {
		nspid = []int{p.PID}
	}
	ns := make([]string, len(nspid))
	for i, n := range nspid {
		ns[i] = strconv.Itoa(n)
	}
	state := "S (sleeping)"
	if p.State == 'Z' {
		state = "Z (zombie)"
	}
	status := fmt.Sprintf("Name:\t%s\nUmask:\t0022\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\nNStgid:\t%s\nNSpid:\t%s\nSigQ:\t0/63432\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\nSigBlk:\t0000000000000000\nSigIgn:\t%016x\nSigCgt:\t%016x\n",
		p.Comm, state, p.PID, p.PID, p.PPID, strings.Join(ns, "\t"), strings.Join(ns, "\t"), p.SigIgn, p.SigCgt)
	if err := os.WriteFile(filepath.Join(dir, "status"), []byte(status), 0o644); err != nil {
		return err
	}
	cg := p.Cgroup
	if cg == "" {
		cg = "0::/\n"
	}
	return os.WriteFile(filepath.Join(dir, "cgroup"), []byte(cg), 0o644)
}

// Masks of caught signals, as in SigCgt.
const (
	SIGCHLD uint64 = 1 << (17 - 1)
	SIGTERM uint64 = 1 << (15 - 1)
)

// CgroupfsV1 is /proc/<pid>/cgroup of a process in a pod's container on a
// cgroup v1 host whose kubelet uses the cgroupfs driver.
func CgroupfsV1(qos, podUID, containerID string) string {
	p := "/kubepods/" + qos + "/pod" + podUID + "/" + containerID
	if qos == "" {
		p = "/kubepods/pod" + podUID + "/" + containerID
	}
	return fmt.Sprintf("12:pids:%s\n11:memory:%s\n4:cpu,cpuacct:%s\n1:name=systemd:%s\n0::/\n", p, p, p, p)
}

// SystemdV2 is /proc/<pid>/cgroup of a process in a pod's container on a
// cgroup v2 host whose kubelet uses the systemd driver.
func SystemdV2(qos, podUID, containerID string) string {
	u := strings.ReplaceAll(podUID, "-", "_")
	if qos == "" {
		return "0::/kubepods.slice/kubepods-pod" + u + ".slice/cri-containerd-" + containerID + ".scope\n"
	}
	return "0::/kubepods.slice/kubepods-" + qos + ".slice/kubepods-" + qos + "-pod" + u + ".slice/cri-containerd-" + containerID + ".scope\n"
}

// Node builds a node with pods pods, each with a containerd-shim, a pause
// process and procsPerPod-1 workload processes in a container (cgroupfs
// driver, cgroup v1), plus the host's systemd, containerd and kubelet. Its
// processes have PIDs from 1 upward; the caller appends zombies.
func Node(pods, procsPerPod int) *Tree {
	t := &Tree{BootTime: 1_700_000_000, PIDMax: 4194304, Pids: map[string][2]string{}}
	add := func(p Proc) int {
		p.PID = len(t.Procs) + 1
		if p.StartTicks == 0 {
			p.StartTicks = uint64(1000 + p.PID)
		}
		t.Procs = append(t.Procs, p)
		return p.PID
	}
	systemd := add(Proc{Comm: "systemd", SigCgt: 0x7be3c0fe28014a03})
	add(Proc{PPID: systemd, Comm: "containerd", Threads: 40})
	add(Proc{PPID: systemd, Comm: "kubelet", Threads: 60})
	for i := 0; i < pods; i++ {
		uid := PodUID(i)
		shim := add(Proc{PPID: systemd, Comm: "containerd-shim", Threads: 12})
		add(Proc{PPID: shim, Comm: "pause", NSpid: []int{len(t.Procs) + 1, 1}, Cgroup: CgroupfsV1("besteffort", uid, ContainerID(i, 0))})
		init := 0
		for j := 1; j < procsPerPod; j++ {
			p := Proc{PPID: shim, Comm: "app", Cgroup: CgroupfsV1("besteffort", uid, ContainerID(i, 1))}
			if init == 0 {
				p.NSpid = []int{len(t.Procs) + 1, 1}
				init = add(p)
				continue
			}
			p.PPID = init
			p.NSpid = []int{len(t.Procs) + 1, j}
			add(p)
		}
		t.Pids["pids/kubepods/besteffort/pod"+uid] = [2]string{strconv.Itoa(procsPerPod), "1024"}
	}
	return t
}

// PodUID is the synthetic UID of pod i.
func PodUID(i int) string {
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i)
}

// ContainerID is the synthetic ID of container c of pod i (64 hex).
func ContainerID(i, c int) string {
	return fmt.Sprintf("%032x%032x", i, c)
}

// AddZombies appends n zombie children of parent, inheriting its cgroup
// and namespace depth, started at startTicks.
func (t *Tree) AddZombies(parent, n int, startTicks uint64) []int {
	var cg string
	depth := 1
	for i := range t.Procs {
		if t.Procs[i].PID == parent {
			cg = t.Procs[i].Cgroup
			depth = len(t.Procs[i].NSpid)
		}
	}
	var pids []int
	next := t.MaxPID() + 1
	for i := 0; i < n; i++ {
		pid := next + i
		ns := []int{pid}
		if depth > 1 {
			ns = append(ns, 100+i)
		}
		t.Procs = append(t.Procs, Proc{PID: pid, PPID: parent, Comm: "sleep", State: 'Z', StartTicks: startTicks, NSpid: ns, Cgroup: cg})
		pids = append(pids, pid)
	}
	return pids
}

// MaxPID is the highest PID in the tree.
func (t *Tree) MaxPID() int {
	m := 0
	for i := range t.Procs {
		m = max(m, t.Procs[i].PID)
	}
	return m
}

// Find returns the process with pid, or nil.
func (t *Tree) Find(pid int) *Proc {
	for i := range t.Procs {
		if t.Procs[i].PID == pid {
			return &t.Procs[i]
		}
	}
	return nil
}
