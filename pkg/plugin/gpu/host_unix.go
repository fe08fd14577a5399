//go:build unix

package gpu

import (
	"os/exec"
	"path/filepath"
	"syscall"
)

// isolate runs cmd chrooted into root (unless root is /), in a process
// group of its own that is killed whole on timeout: a stand-in script or a
// wrapper would otherwise leave a child holding the output pipes.
func isolate(cmd *exec.Cmd, root string) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if filepath.Clean(root) != "/" {
		cmd.SysProcAttr.Chroot = root
	}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	return nil
}
