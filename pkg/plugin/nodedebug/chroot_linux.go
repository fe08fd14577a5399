package nodedebug

import "syscall"

// chroot makes dir this process's root (the host shell, in a debug pod).
func chroot(dir string) error { return syscall.Chroot(dir) }
