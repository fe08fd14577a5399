package e2e

import "syscall"

func chroot(root string) *syscall.SysProcAttr { return &syscall.SysProcAttr{Chroot: root} }
