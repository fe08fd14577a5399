// Package fakehost builds, for tests, a host root in which the gpu check's
// tools really run: a static busybox as /bin/sh and its applets, and
// stand-in nvidia-smi, nv-fabricmanager and journalctl shell scripts that
// print the real output formats kept in files under /fixtures. The check
// chroots into it exactly as it chroots into /host in a debug pod, so the
// tests exercise the same exec path. Chroot needs root; busybox must be the
// static one (Debian's busybox-static installs it as /bin/busybox).
package fakehost

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Busybox is where the static busybox is taken from.
const Busybox = "/bin/busybox"

// Host is a fake host root and /proc.
type Host struct {
	Root, Proc string
	t          testing.TB
}

// New makes an empty host with a shell, or skips the test (saying why)
// when this machine cannot chroot or has no static busybox.
func New(t testing.TB) *Host {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("the gpu check chroots into the host root, which needs root: run the tests as root")
	}
	if _, err := os.Stat(Busybox); err != nil {
		t.Skipf("no %s: install Debian's busybox-static (apt-get install busybox-static) to run the fake-host tests", Busybox)
	}
	// A dynamically linked busybox would not run inside the root; `file` says
	// which it is where it is installed.
	if out, err := exec.Command("file", "-L", Busybox).Output(); err == nil && strings.Contains(string(out), "dynamically linked") {
		t.Skipf("%s is dynamically linked: install busybox-static", Busybox)
	}
	h := &Host{Root: t.TempDir(), Proc: t.TempDir(), t: t}
	h.shell()
	return h
}

// shell installs busybox as /bin/sh and its applets under the root.
func (h *Host) shell() {
	h.t.Helper()
	b, err := os.ReadFile(Busybox)
	if err != nil {
		h.t.Fatal(err)
	}
	h.File("bin/busybox", string(b), 0o755)
	for _, applet := range []string{"sh", "cat", "sleep", "echo"} {
		if err := os.Symlink("busybox", filepath.Join(h.Root, "bin", applet)); err != nil {
			h.t.Fatal(err)
		}
	}
}

// DriverRoot makes /run/nvidia/driver, the root the GPU operator's driver
// container shares with the host, as a root of its own with a shell: tools
// installed in it (Tool) run chrooted there, as the check runs them on an
// operator node.
func (h *Host) DriverRoot() *Host {
	h.t.Helper()
	d := &Host{Root: filepath.Join(h.Root, "run", "nvidia", "driver"), Proc: h.Proc, t: h.t}
	d.shell()
	return d
}

// File writes a file under the root.
func (h *Host) File(rel, data string, mode os.FileMode) string {
	h.t.Helper()
	if mode == 0 {
		mode = 0o644
	}
	p := filepath.Join(h.Root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), mode); err != nil {
		h.t.Fatal(err)
	}
	return p
}

// ProcFile writes a file under the fake /proc.
func (h *Host) ProcFile(rel, data string) {
	h.t.Helper()
	p := filepath.Join(h.Proc, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

// Tool installs /usr/bin/NAME: a script that appends its arguments to
// /calls.log, then prints /fixtures/NAME/<case> for the first case whose
// pattern (a shell case pattern) matches "$*", exiting with its code.
// Unmatched arguments exit 9 with a complaint on stderr.
func (h *Host) Tool(name string, cases ...Case) {
	h.t.Helper()
	var sb strings.Builder
	sb.WriteString("#!/bin/sh\necho \"" + name + " $*\" >> /calls.log\ncase \"$*\" in\n")
	for i, c := range cases {
		fixture := filepath.Join("/fixtures", name, string(rune('a'+i)))
		h.File(fixture, c.Output, 0)
		sb.WriteString("  " + c.Args + ")")
		if c.Sleep != "" {
			sb.WriteString(" sleep " + c.Sleep + ";")
		}
		sb.WriteString(" cat " + fixture + "; exit " + strconv.Itoa(c.Code) + " ;;\n")
	}
	sb.WriteString("  *) echo \"" + name + ": unexpected arguments: $*\" >&2; exit 9 ;;\nesac\n")
	h.File("usr/bin/"+name, sb.String(), 0o755)
}

// Case is one answer of a stand-in tool.
type Case struct {
	Args   string // shell case pattern matched against "$*"
	Output string
	Code   int
	Sleep  string // seconds to sleep first (to test timeouts)
}

// Calls are the stand-in tools' invocations, in order.
func (h *Host) Calls() []string {
	b, _ := os.ReadFile(filepath.Join(h.Root, "calls.log"))
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// Process adds a process with this comm to the fake /proc.
func (h *Host) Process(pid, comm string) {
	h.ProcFile(filepath.Join(pid, "comm"), comm+"\n")
}
