package main

import (
	"os"
	"syscall"
)

// maxRSSMB is the largest resident set of the finished process, in MB.
func maxRSSMB(ps *os.ProcessState) float64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return float64(ru.Maxrss) / 1024 // KiB on Linux
	}
	return 0
}
