//go:build linux

package zombies

import (
	"fmt"
	"sort"
	"strings"
	"syscall"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// maxDepth stops an ancestor walk that would loop (a PID recycled into
// its own ancestry between reads).
const maxDepth = 4096

// Scan reads every /proc/<pid>/stat under env.ProcRoot once, finds all
// zombies, groups them by parent, and describes each parent: its ancestry,
// its pod and container (from its cgroup), whether it is a container's PID 1
// and which signals it catches (from its status), and its pod's pids cgroup.
// status and cgroup are read only for parents; ancestors come from the stat
// pass. It fails only when /proc itself cannot be read.
func Scan(env agent.Env) (*Report, error) {
	fs := procfs.FS{Proc: env.ProcRoot, Host: env.HostRoot}
	now := time.Now
	if env.Now != nil {
		now = env.Now
	}
	r := &Report{TypeMeta: output.TypeMeta(Kind), ObjectMeta: metav1.ObjectMeta{Name: env.NodeName}}
	st := &r.Status
	st.Node = env.NodeName
	st.ScannedAt = metav1.NewTime(now().UTC().Truncate(time.Second))
	st.Parents = []Parent{}

	pids, err := fs.PIDs()
	if err != nil {
		return nil, err
	}
	stats, errs := fs.ReadStats(pids)
	for _, e := range errs {
		st.Warnings = append(st.Warnings, e.Error())
	}
	if len(stats) == 0 {
		return nil, fmt.Errorf("no process could be read under %s: is it a proc filesystem?", env.ProcRoot)
	}
	st.Processes = len(stats)
	byParent := map[int][]int{} // parent PID -> indexes of its zombies
	for i := range stats {
		st.Tasks += max(stats[i].Threads, 1)
		if stats[i].Zombie() {
			st.Zombies++
			byParent[stats[i].PPID] = append(byParent[stats[i].PPID], i)
		}
	}
	if st.PIDMax, err = fs.PIDMax(); err != nil {
		st.Warnings = append(st.Warnings, "pid_max: "+err.Error())
	}
	if len(byParent) == 0 {
		return r, nil
	}
	boot, err := fs.BootTime()
	if err != nil {
		st.Warnings = append(st.Warnings, "boot time: "+err.Error())
	}
	index := make(map[int]int, len(stats))
	for i := range stats {
		index[stats[i].PID] = i
	}
	pidsCache := map[string]*Pids{}
	for ppid, zs := range byParent {
		p := describeParent(fs, stats, index, ppid, zs, boot, st.ScannedAt.Time, pidsCache, &st.Warnings)
		st.Parents = append(st.Parents, p)
	}
	sort.Slice(st.Parents, func(i, j int) bool {
		a, b := st.Parents[i], st.Parents[j]
		if a.Zombies != b.Zombies {
			return a.Zombies > b.Zombies
		}
		return a.PID < b.PID
	})
	return r, nil
}

// describeParent gathers one parent's facts. A parent that exited since the
// stat pass keeps what stat said, with a warning.
func describeParent(fs procfs.FS, stats []procfs.Stat, index map[int]int, ppid int, zs []int, boot, now time.Time, pidsCache map[string]*Pids, warn *[]string) Parent {
	p := Parent{PID: ppid, Zombies: len(zs)}
	zpids := make([]int, len(zs))
	oldest := uint64(0)
	for i, zi := range zs {
		zpids[i] = stats[zi].PID
		if i == 0 || stats[zi].StartTicks < oldest {
			oldest = stats[zi].StartTicks
		}
	}
	sort.Ints(zpids)
	p.ZombiePIDs = zpids[:min(len(zpids), MaxListedZombies)]
	if !boot.IsZero() {
		t := procfs.StartTime(boot, oldest)
		p.OldestZombie = metav1.NewTime(t.UTC())
		p.OldestZombieSeconds = int64(max(now.Sub(t), 0) / time.Second)
	}

	pi, ok := index[ppid]
	if !ok {
		*warn = append(*warn, fmt.Sprintf("parent %d of %d zombie(s) was not in the process list", ppid, len(zs)))
		return p
	}
	ps := &stats[pi]
	p.Command, p.StartTicks = ps.Comm, ps.StartTicks
	if !boot.IsZero() {
		p.Started = metav1.NewTime(procfs.StartTime(boot, ps.StartTicks).UTC())
	}
	p.Ancestors, p.ShimPID = ancestry(stats, index, ps.PPID)

	status, err := fs.Status(ppid)
	if err != nil {
		*warn = append(*warn, fmt.Sprintf("status of parent %d: %v", ppid, err))
	} else {
		applyStatus(&p, status)
	}
	lines, err := fs.Cgroup(ppid)
	if err != nil {
		*warn = append(*warn, fmt.Sprintf("cgroup of parent %d: %v", ppid, err))
		return p
	}
	p.Pod, p.Pids = podOf(fs, lines, pidsCache)
	return p
}

// applyStatus copies the facts the signal rules need from a status.
func applyStatus(p *Parent, status procfs.Status) {
	p.NSpid = status.NSpid
	p.ContainerInit = status.ContainerInit()
	p.CatchesSIGCHLD = status.Catches(syscall.SIGCHLD)
	p.CatchesSIGTERM = status.Catches(syscall.SIGTERM)
	p.IgnoresSIGTERM = status.Ignores(syscall.SIGTERM)
}

// describeProcess reads one live process's facts (stat, status, cgroup)
// outside a scan: the process that inherited a killed parent's zombies.
func describeProcess(fs procfs.FS, pid int) (*Parent, error) {
	st, err := fs.Stat(pid)
	if err != nil {
		return nil, err
	}
	p := &Parent{PID: pid, Command: st.Comm, StartTicks: st.StartTicks}
	status, err := fs.Status(pid)
	if err != nil {
		return nil, err
	}
	applyStatus(p, status)
	lines, err := fs.Cgroup(pid)
	if err != nil {
		return nil, err
	}
	p.Pod, _ = podOf(fs, lines, map[string]*Pids{})
	return p, nil
}

// ancestry walks from pid up to PID 1 through the stat pass, and finds the
// nearest containerd-shim on the way.
func ancestry(stats []procfs.Stat, index map[int]int, pid int) (chain []Process, shim int) {
	for depth := 0; pid > 0 && depth < maxDepth; depth++ {
		i, ok := index[pid]
		if !ok {
			break
		}
		s := &stats[i]
		chain = append(chain, Process{PID: s.PID, Command: s.Comm})
		if shim == 0 && strings.HasPrefix(s.Comm, shimComm) {
			shim = s.PID
		}
		pid = s.PPID
	}
	return chain, shim
}

// podOf attributes a process to its pod and container through its cgroup,
// and reads the pod's pids counters (cached: a pod's zombies may have
// several parents).
func podOf(fs procfs.FS, lines []procfs.CgroupLine, cache map[string]*Pids) (*Pod, *Pids) {
	path, v2, ok := procfs.PidsCgroup(lines)
	var pc procfs.PodCgroup
	found := false
	if ok {
		pc, found = procfs.ParsePodCgroup(path)
	}
	if !found { // the pids hierarchy may be flat; any hierarchy names the pod
		for _, l := range lines {
			if pc, found = procfs.ParsePodCgroup(l.Path); found {
				break
			}
		}
	}
	if !found {
		return nil, nil
	}
	pod := &Pod{UID: pc.PodUID, ContainerID: pc.ContainerID}
	if !ok {
		return pod, nil
	}
	podPath := pc.PodPath
	key := fmt.Sprintf("%t:%s", v2, podPath)
	if c, ok := cache[key]; ok {
		return pod, c
	}
	u, err := fs.ReadPids(podPath, v2)
	pids := &Pids{Cgroup: podPath, Current: u.Current, Max: u.Max}
	if err != nil {
		pids.Error = err.Error()
	}
	cache[key] = pids
	return pod, pids
}
