//go:build !linux

package nodedebug

import (
	"fmt"
	"runtime"
)

// chroot fails: the host shell runs on Linux nodes.
func chroot(string) error { return fmt.Errorf("chroot works on Linux only, not %s", runtime.GOOS) }
