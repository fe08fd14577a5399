//go:build unix

package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// These tests hold the interrupt policy to the real binary, with real
// signals: Ctrl-C or SIGTERM at the confirmation prompt changes nothing;
// during a run the first signal starts nothing new while the action in
// flight finishes; the second exits at once, naming what was in flight.
// All of them exit 130.

// syncBuffer is a bytes.Buffer safe to read while a process writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// proc is the plugin running as a process of its own.
type proc struct {
	cmd    *exec.Cmd
	stdout syncBuffer
	stderr syncBuffer    // stdout and stderr both, under a terminal
	tty    *os.File      // the terminal's master side, under a terminal
	done   chan struct{} // closed once the process has ended and its output is read
	code   int
}

// startPlugin starts the binary with args after --kubeconfig. With tty it
// runs under a pseudo-terminal of its own (stdin, stdout and stderr; it is
// the session leader and the terminal's foreground process group), as in
// an operator's shell; otherwise in a process group of its own with no
// stdin, as from a script. The process is killed at cleanup if still alive.
func startPlugin(t *testing.T, c *cluster.Cluster, tty bool, args ...string) *proc {
	t.Helper()
	p := &proc{done: make(chan struct{}), code: -1}
	copied := make(chan struct{})
	p.cmd = exec.Command(pluginBinary(t, c), append([]string{"--kubeconfig", c.Kubeconfig}, args...)...)
	if tty {
		f, err := pty.StartWithSize(p.cmd, &pty.Winsize{Rows: 50, Cols: 250})
		if err != nil {
			t.Fatal(err)
		}
		p.tty = f
		go func() { // ends with EIO once the process is gone
			_, _ = io.Copy(&p.stderr, f)
			close(copied)
		}()
	} else {
		p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
		p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		close(copied) // Wait copies the pipes
	}
	go func() {
		_ = p.cmd.Wait()
		p.code = p.cmd.ProcessState.ExitCode()
		<-copied
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		if p.tty != nil {
			_ = p.tty.Close()
		}
	})
	return p
}

// signal sends sig to the plugin process only.
func (p *proc) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("sending %v: %v", sig, err)
	}
}

// ctrlC is Ctrl-C as a terminal delivers it: SIGINT to the whole
// foreground process group, the plugin and whatever it runs.
func (p *proc) ctrlC(t *testing.T) {
	t.Helper()
	if p.tty != nil {
		if _, err := p.tty.Write([]byte{0x03}); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err := syscall.Kill(-p.cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
}

// wait waits for the process to end, failing after timeout.
func (p *proc) wait(t *testing.T, timeout time.Duration) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(timeout):
		t.Fatalf("the process has not exited %s later\nstdout:\n%s\nstderr:\n%s", timeout, p.stdout.String(), p.stderr.String())
	}
}

// waitFor polls until cond holds, failing after timeout.
func (p *proc) waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		select {
		case <-p.done:
			if cond() {
				return
			}
			t.Fatalf("the process exited %d before %s\nstdout:\n%s\nstderr:\n%s", p.code, what, p.stdout.String(), p.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s after %s\nstdout:\n%s\nstderr:\n%s", what, timeout, p.stdout.String(), p.stderr.String())
		}
	}
}

// slowChain is a provider-services stand-in whose first bid close sleeps:
// it records its arguments in calls, then for that first close writes
// started, sleeps, and writes finished before answering like the CLI in
// block mode. Its processes are killed at cleanup.
type slowChain struct {
	path, dir string
}

func newSlowChain(t *testing.T, sleep time.Duration) slowChain {
	t.Helper()
	dir := t.TempDir()
	s := slowChain{path: filepath.Join(dir, "provider-services"), dir: dir}
	script := `#!/bin/sh
D=` + dir + `
` + providerServicesVersion + `echo "$*" >>"$D/calls"
n=$(wc -l <"$D/calls" | tr -d ' ')
case "$*" in
*"tx market bid close"*)
  if [ "$n" = 1 ]; then
    echo $$ >>"$D/pids"
    sleep ` + strconv.FormatFloat(sleep.Seconds(), 'f', -1, 64) + ` &
    echo $! >>"$D/pids"
    : >"$D/started"
    wait $!
    : >"$D/finished"
  fi
  printf '{"height":"%d","txhash":"%064d","codespace":"","code":0,"raw_log":"[]"}\n' "$((1000 + n))" "$n" ;;
*) echo "unexpected: $*" >&2; exit 1 ;;
esac
`
	if err := os.WriteFile(s.path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		b, _ := os.ReadFile(filepath.Join(dir, "pids"))
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	return s
}

// alive reports whether a process of the stand-in's slow close still runs
// (a zombie does not count).
func (s slowChain) alive() bool {
	b, _ := os.ReadFile(filepath.Join(s.dir, "pids"))
	for _, f := range strings.Fields(string(b)) {
		stat, err := os.ReadFile("/proc/" + f + "/stat")
		if err != nil {
			continue
		}
		if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) && stat[i+2] != 'Z' {
			return true
		}
	}
	return false
}

func (s slowChain) has(name string) bool {
	_, err := os.Stat(filepath.Join(s.dir, name))
	return err == nil
}

func (s slowChain) calls(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.dir, "calls"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// interruptLeases seeds three leases (Manifests only) and writes them to a
// file for `leases close -f`, in the order the plugin closes them (by owner,
// then dseq).
func interruptLeases(t *testing.T, c *cluster.Cluster, leaseNS string) (file string, ls []fixture.Lease) {
	t.Helper()
	svc := fixture.Service{Name: "app", Image: "xmrig/xmrig:6.21.0", Count: 1, CPU: 100, Memory: 64 << 20}
	ls = []fixture.Lease{
		fixture.NewLease(t.Name()+"/a", 101, svc),
		fixture.NewLease(t.Name()+"/b", 102, svc),
		fixture.NewLease(t.Name()+"/c", 103, svc),
	}
	opts := []fixture.Options{{NoWorkloads: true}, {NoWorkloads: true}, {NoWorkloads: true}}
	seedLeases(t, c, leaseNS, ls, opts)
	// The plugin sorts by owner, then dseq.
	for i := range ls {
		for j := i + 1; j < len(ls); j++ {
			if ls[j].ID.Owner < ls[i].ID.Owner {
				ls[i], ls[j] = ls[j], ls[i]
			}
		}
	}
	var b strings.Builder
	for _, l := range ls {
		fmt.Fprintf(&b, "%s/%d/%d/%d/%s\n", l.ID.Owner, l.ID.DSeq, l.ID.GSeq, l.ID.OSeq, l.ID.Provider)
	}
	file = filepath.Join(t.TempDir(), "leases")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return file, ls
}

// actionsString shows actions' results and messages.
func actionsString(as []*execute.Action) string {
	var b strings.Builder
	for _, a := range as {
		fmt.Fprintf(&b, "[%s %q]", a.Result, a.Message)
	}
	return b.String()
}

const promptText = "Do you want to continue? (y/N)"

func TestInterruptAtPrompt(t *testing.T) {
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	file, _ := interruptLeases(t, c, leaseNS)
	for _, tc := range []struct {
		name string
		send func(t *testing.T, p *proc)
	}{
		{"SIGINT", func(t *testing.T, p *proc) { p.signal(t, syscall.SIGINT) }},
		{"Ctrl-C typed on the terminal", func(t *testing.T, p *proc) { p.ctrlC(t) }},
		{"SIGTERM", func(t *testing.T, p *proc) { p.signal(t, syscall.SIGTERM) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSlowChain(t, time.Second)
			p := startPlugin(t, c, true, "leases", "close", "-f", file, "--lease-namespace", leaseNS, "--via-cli", s.path, "--block-time", "10ms")
			p.waitFor(t, time.Minute, "confirmation prompt", func() bool { return strings.Contains(p.stderr.String(), promptText) })
			tc.send(t, p)
			p.wait(t, 30*time.Second)
			out := p.stderr.String()
			if p.code != 130 || !strings.Contains(out, "error: interrupted at the confirmation prompt: nothing was changed") {
				t.Fatalf("exit %d, want 130 and the prompt's interrupt message:\n%s", p.code, out)
			}
			if got := s.calls(t); got != nil {
				t.Fatalf("interrupted at the prompt, yet provider-services ran: %v", got)
			}
			if !strings.Contains(out, "Plan:") {
				t.Errorf("the plan was not shown before the prompt:\n%s", out)
			}
		})
	}
}

func TestInterruptDuringRun(t *testing.T) {
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	file, ls := interruptLeases(t, c, leaseNS)
	args := func(s slowChain) []string {
		return []string{"leases", "close", "-f", file, "--lease-namespace", leaseNS, "--via-cli", s.path, "--block-time", "10ms", "--yes", "-o", "json"}
	}

	// The first signal: the close in flight completes, the other two are
	// not started.
	once := func(t *testing.T, send func(t *testing.T, p *proc)) {
		s := newSlowChain(t, 3*time.Second)
		p := startPlugin(t, c, false, args(s)...)
		p.waitFor(t, time.Minute, "first close under way", func() bool { return s.has("started") })
		send(t, p)
		p.wait(t, time.Minute)
		if p.code != 130 {
			t.Fatalf("exit %d, want 130\nstdout:\n%s\nstderr:\n%s", p.code, p.stdout.String(), p.stderr.String())
		}
		if !s.has("finished") {
			t.Errorf("the close in flight was cut short")
		}
		if got := s.calls(t); len(got) != 1 || got[0] != closeCall(ls[0].ID) {
			t.Errorf("calls %q, want only the first close %q", got, closeCall(ls[0].ID))
		}
		got := closeList(t, p.stdout.String())
		if a := got[ls[0].ID.DSeq].Status.Actions; len(a) != 1 || a[0].Result != "Succeeded" {
			t.Errorf("the close in flight: %s, want Succeeded", actionsString(a))
		}
		for _, l := range ls[1:] {
			if a := got[l.ID.DSeq].Status.Actions; len(a) != 1 || a[0].Result != "Skipped" || a[0].Message != "not started: the run was interrupted" {
				t.Errorf("%s: %s, want Skipped, not started", l, actionsString(a))
			}
		}
		stderr := p.stderr.String()
		for _, want := range []string{
			"Interrupted: starting nothing new; waiting for what is running to finish (",
			"Press Ctrl-C again to exit at once.",
			"error: interrupted: 1 of 3 planned action(s) done, 0 failed, 2 not started",
		} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		}
	}
	t.Run("SIGINT once", func(t *testing.T) {
		once(t, func(t *testing.T, p *proc) { p.signal(t, syscall.SIGINT) })
	})
	t.Run("SIGTERM once", func(t *testing.T) {
		once(t, func(t *testing.T, p *proc) { p.signal(t, syscall.SIGTERM) })
	})
	t.Run("Ctrl-C once to the process group", func(t *testing.T) {
		once(t, func(t *testing.T, p *proc) { p.ctrlC(t) })
	})

	// The second signal: exit at once, long before the close in flight
	// would end, naming it.
	twice := func(t *testing.T, send func(t *testing.T, p *proc)) {
		s := newSlowChain(t, 10*time.Minute)
		p := startPlugin(t, c, false, args(s)...)
		p.waitFor(t, time.Minute, "first close under way", func() bool { return s.has("started") })
		send(t, p)
		p.waitFor(t, 30*time.Second, "notice of the first signal", func() bool {
			return strings.Contains(p.stderr.String(), "Press Ctrl-C again to exit at once.")
		})
		send(t, p)
		p.wait(t, time.Minute) // the close in flight sleeps for 10 minutes
		stderr := p.stderr.String()
		if p.code != 130 {
			t.Fatalf("exit %d, want 130\nstderr:\n%s", p.code, stderr)
		}
		if s.has("finished") {
			t.Fatalf("the stand-in's close finished: the exit was not early")
		}
		if want := "Interrupted again: exiting at once. Still in flight, check by hand: close-bid bids.market.akash.network/" + ls[0].ID.String(); !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
		// The second signal kills what it leaves in flight.
		deadline := time.Now().Add(30 * time.Second)
		for s.alive() {
			if time.Now().After(deadline) {
				t.Fatal("the stand-in's slow close still runs after the plugin exited")
			}
			time.Sleep(20 * time.Millisecond)
		}
		if got := s.calls(t); len(got) != 1 {
			t.Errorf("calls %q, want only the first close", got)
		}
	}
	t.Run("SIGINT twice", func(t *testing.T) {
		twice(t, func(t *testing.T, p *proc) { p.signal(t, syscall.SIGINT) })
	})
	t.Run("SIGTERM twice", func(t *testing.T) {
		twice(t, func(t *testing.T, p *proc) { p.signal(t, syscall.SIGTERM) })
	})
	t.Run("Ctrl-C twice to the process group", func(t *testing.T) {
		twice(t, func(t *testing.T, p *proc) { p.ctrlC(t) })
	})
}
