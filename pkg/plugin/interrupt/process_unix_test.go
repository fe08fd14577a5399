//go:build unix

package interrupt

import (
	"bytes"
	"context"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// TestRunShieldsAndKillsOnSecondSignal: a command run through Run is in a
// process group of its own (a terminal's Ctrl-C does not reach it), the
// first signal leaves it running, and the second kills it before exiting.
func TestRunShieldsAndKillsOnSecondSignal(t *testing.T) {
	var errOut bytes.Buffer
	exited := make(chan int, 1)
	ctx, h := newHandler(context.Background(), &errOut, func(code int) { exited <- code })
	cmd := exec.CommandContext(Detached(ctx), "sleep", "60")
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cmd) }()

	deadline := time.Now().Add(10 * time.Second)
	for {
		h.mu.Lock()
		n := len(h.kills)
		h.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Run never registered its process")
		}
		time.Sleep(10 * time.Millisecond)
	}
	pgid, err := syscall.Getpgid(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if pgid != cmd.Process.Pid || pgid == syscall.Getpgrp() {
		t.Fatalf("the command must lead a process group of its own: pgid %d, pid %d, ours %d", pgid, cmd.Process.Pid, syscall.Getpgrp())
	}

	h.signal()
	select {
	case err := <-done:
		t.Fatalf("the first signal ended the command: %v", err)
	case <-time.After(200 * time.Millisecond):
	}

	h.signal()
	if code := <-exited; code != ExitCode {
		t.Fatalf("exit %d", code)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("the command was not killed")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second signal left the command running")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.kills) != 0 {
		t.Fatal("Run must forget its process once it ended")
	}
}
