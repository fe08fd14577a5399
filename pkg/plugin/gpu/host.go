package gpu

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// binDirs are where the host's NVIDIA tools are looked for, inside its root.
var binDirs = []string{"/usr/local/nvidia/bin", "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}

// driverRoot is where the GPU operator's containerised driver keeps its own
// root (with nvidia-smi and its libraries) on the host.
const driverRoot = "run/nvidia/driver"

// ErrNotFound is returned by Host.Run for a tool the host does not have.
var ErrNotFound = errors.New("not found on the host")

// Host runs the host's own tools. They are dynamically linked against the
// host's libraries (nvidia-smi needs the host's libnvidia-ml.so, which must
// match its kernel module), so they run chrooted into the host's root: /host
// in a debug pod, --host-root with --local (a test's fake root, whose tools
// then really run). With Root "/" there is no chroot. A tool found only under
// /run/nvidia/driver (the GPU operator's driver container) runs chrooted
// there. Chroot needs root (CAP_SYS_CHROOT), which debug pods have.
type Host struct {
	Root    string
	Timeout time.Duration
}

// Output is what a tool printed and its exit code.
type Output struct {
	Stdout, Stderr string
	Code           int
}

// Combined is stdout and stderr together, for error messages.
func (o Output) Combined() string {
	return strings.TrimSpace(strings.TrimSpace(o.Stdout) + "\n" + strings.TrimSpace(o.Stderr))
}

// find returns the root to chroot into and the tool's path inside it.
func (h Host) find(name string) (root, path string) {
	for _, r := range []string{h.Root, filepath.Join(h.Root, driverRoot)} {
		for _, d := range binDirs {
			if fi, err := os.Stat(filepath.Join(r, d, name)); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
				return r, filepath.Join(d, name)
			}
		}
	}
	return "", ""
}

// inDriverRoot reports whether the tool is in the driver container's root
// (and not the host's own): the GPU operator's driver runs there.
func (h Host) inDriverRoot(name string) bool {
	root, _ := h.find(name)
	return root != "" && root != h.Root
}

// Where is the tool's path as seen from the host ("" when absent): under
// /run/nvidia/driver for the GPU operator's driver.
func (h Host) Where(name string) string {
	root, p := h.find(name)
	if p == "" {
		return ""
	}
	rel, err := filepath.Rel(h.Root, filepath.Join(root, p))
	if err != nil {
		return p
	}
	return "/" + rel
}

// Has reports whether the host has the tool.
func (h Host) Has(name string) bool {
	_, p := h.find(name)
	return p != ""
}

// Run runs name with args in the host's root. A non-zero exit is not an
// error (the output says why); a missing tool is ErrNotFound, and a tool
// that does not finish within Timeout is killed and reported.
func (h Host) Run(ctx context.Context, name string, args ...string) (Output, error) {
	root, path := h.find(name)
	if path == "" {
		return Output{Code: -1}, fmt.Errorf("%s: %w (looked in %s)", name, ErrNotFound, strings.Join(binDirs, ", "))
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, path, args...)
	if filepath.Clean(root) != "/" {
		// Path is resolved after the chroot; exec.Command must not look it up here.
		cmd.Path = path
		cmd.Err = nil
		cmd.Dir = "/"
	} else {
		cmd.Path = filepath.Join(root, path)
	}
	if err := isolate(cmd, root); err != nil {
		return Output{Code: -1}, err
	}
	cmd.Env = []string{"PATH=" + strings.Join(binDirs, ":"), "LC_ALL=C"}
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	out := Output{Stdout: stdout.String(), Stderr: stderr.String(), Code: cmd.ProcessState.ExitCode()}
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return out, fmt.Errorf("%s %s did not finish within %s", name, strings.Join(args, " "), timeout)
	case errors.As(err, &exitErr):
		return out, nil
	case err != nil:
		return out, fmt.Errorf("running %s: %w", name, err)
	}
	return out, nil
}
