//go:build !linux

package main

import "os"

// maxRSSMB is 0: the bench measures memory on Linux, where it runs.
func maxRSSMB(*os.ProcessState) float64 { return 0 }
