package interrupt

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// TestFirstSignalStopsNewWorkSecondExits drives the handler as the signal
// loop does: the first signal cancels the command's context but not a
// detached one; the second cancels the detached one, names what is in
// flight and exits with 130.
func TestFirstSignalStopsNewWorkSecondExits(t *testing.T) {
	var errOut bytes.Buffer
	exited := -1
	ctx, h := newHandler(context.Background(), &errOut, func(code int) { exited = code })
	step := Detached(ctx)
	end := Begin(ctx, "close-bid akash1x/1/1/1")

	h.signal()
	if ctx.Err() == nil || !errors.Is(context.Cause(ctx), ErrSignal) {
		t.Fatalf("the first signal must cancel the command's context with ErrSignal, got %v", context.Cause(ctx))
	}
	if step.Err() != nil {
		t.Fatal("the first signal must not cut a step in flight")
	}
	if !strings.Contains(errOut.String(), "close-bid akash1x/1/1/1") || !strings.Contains(errOut.String(), "Ctrl-C again") {
		t.Fatalf("the first signal must say what it waits for and how to exit at once: %q", errOut.String())
	}
	if exited != -1 {
		t.Fatal("the first signal must not exit")
	}

	h.signal()
	if step.Err() == nil {
		t.Fatal("the second signal must cancel detached work")
	}
	if exited != ExitCode {
		t.Fatalf("the second signal must exit %d, got %d", ExitCode, exited)
	}
	if !strings.Contains(errOut.String(), "Still in flight, check by hand: close-bid akash1x/1/1/1") {
		t.Fatalf("the second signal must name what was in flight: %q", errOut.String())
	}
	end()
	if len(h.running()) != 0 {
		t.Fatal("end must forget the work")
	}
}

func TestWithoutInstallDetachedIsNeverCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	d := Detached(ctx)
	cancel()
	if d.Err() != nil {
		t.Fatal("without a handler a detached context outlives its parent")
	}
	Begin(ctx, "x")() // no handler: a no-op
}
