package cmd

import "syscall"

// chroot makes dir this process's root (agent shell, in a debug pod).
func chroot(dir string) error { return syscall.Chroot(dir) }
