//go:build !linux

package certs

import (
	"fmt"
	"runtime"
	"syscall"
)

// tryLock does not lock off Linux: the node side of a renewal runs on Linux.
func tryLock(string) (unlock func(), held bool, err error) { return func() {}, false, nil }

func newSession() *syscall.SysProcAttr { return nil }

func chrootAttr(root string) (*syscall.SysProcAttr, error) {
	return nil, fmt.Errorf("running the node's tools chrooted into %s works on Linux only, not %s", root, runtime.GOOS)
}

func leaveCgroups(hostRoot, _ string) (string, error) {
	if hostRoot == "" || hostRoot == "/" {
		return "not on Linux: no cgroups to leave", nil
	}
	return "", fmt.Errorf("leaving a pod's cgroups works on Linux only, not %s", runtime.GOOS)
}
