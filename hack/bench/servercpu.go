package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// On two cores the API server and the plugin share the CPU: while the plugin
// decodes one list, the server encodes the next. The floor is the server's
// time alone; what the plugin adds is its own CPU, and when the server's CPU
// and the client's together exceed what two cores give in the floor's time,
// no overlap can bring the plugin to the floor. serverCPU measures the
// server's share, so that the report can say which bound a row meets.

// serverCPU reads the CPU time the API server has used so far, in seconds,
// from its pid file (hack/cluster.sh's); nil when there is none to read (a
// cluster the bench did not start, or no /proc).
func serverCPU(pidFile string) func() float64 {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return nil
	}
	pid := strings.TrimSpace(string(b))
	if _, err := os.Stat(filepath.Join("/proc", pid, "task")); err != nil {
		return nil
	}
	return func() float64 { return threadsCPU(filepath.Join("/proc", pid, "task")) }
}

// threadsCPU sums the time on CPU of every thread of a process: the first
// field of each thread's schedstat, in nanoseconds (the process's own stat
// counts in 10 ms ticks, too coarse for a 0.1 s list).
func threadsCPU(taskDir string) float64 {
	tasks, err := os.ReadDir(taskDir)
	if err != nil {
		return 0
	}
	var ns int64
	for _, t := range tasks {
		b, err := os.ReadFile(filepath.Join(taskDir, t.Name(), "schedstat"))
		if err != nil {
			continue // a thread that ended
		}
		if f := strings.Fields(string(b)); len(f) > 0 {
			n, _ := strconv.ParseInt(f[0], 10, 64)
			ns += n
		}
	}
	return float64(ns) / 1e9
}

// serverCPUFrom starts counting the API server's CPU: the function it
// returns says how much the server used since; nil when p cannot tell.
func (p *countingProxy) serverCPUFrom() func() float64 {
	if p == nil || p.ServerCPU == nil {
		return nil
	}
	began := p.ServerCPU()
	return func() float64 { return p.ServerCPU() - began }
}
