//go:build !linux

package e2e

import "syscall"

// chroot exists off Linux only so that the package builds on every krew
// platform; the end-to-end tests run on Linux, where the cluster runs.
func chroot(string) *syscall.SysProcAttr { return nil }
