//go:build !linux

package cmd

import (
	"fmt"
	"runtime"
)

// chroot fails: the agent's shell runs on Linux nodes.
func chroot(string) error { return fmt.Errorf("chroot works on Linux only, not %s", runtime.GOOS) }
