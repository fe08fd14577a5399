// Package interrupt is the one policy for Ctrl-C and SIGTERM.
//
// The first signal cancels the command's context: reads stop, a prompt is
// abandoned with nothing done, and the executor starts no new action. An
// action that is already running is not cut: it runs on a detached context
// (Detached) that only the second signal cancels, so a transaction already
// broadcast is followed to its block and a node step finishes or rolls
// back. The second signal ends the process at once, naming on stderr what
// was still in flight (Begin registers it), so nothing is left behind
// unsaid.
package interrupt

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"syscall"
)

// ExitCode is the exit code of a run ended by a signal, as shells report
// 128+SIGINT.
const ExitCode = 130

type key struct{}

// handler is the state behind a context returned by Install.
type handler struct {
	soft    context.CancelCauseFunc
	hardCtx context.Context
	hard    context.CancelFunc
	errOut  io.Writer
	exit    func(int)

	mu       sync.Mutex
	signals  int
	next     int
	inflight map[int]string
	// kills stop processes still running (Run) before the second signal
	// exits.
	kills map[int]func()
}

// ErrSignal is the cause of a context cancelled by the first signal.
var ErrSignal = fmt.Errorf("interrupted")

// Install catches SIGINT and SIGTERM for the rest of the process and
// returns the command's context. stop releases the signals.
func Install(parent context.Context, errOut io.Writer) (ctx context.Context, stop func()) {
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	ctx, h := newHandler(parent, errOut, os.Exit)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-ch:
				h.signal()
			case <-done:
				return
			}
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		h.soft(nil)
		h.hard()
	}
}

// newHandler builds the handler without touching the process's signals,
// so tests can drive it.
func newHandler(parent context.Context, errOut io.Writer, exit func(int)) (context.Context, *handler) {
	h := &handler{errOut: errOut, exit: exit, inflight: map[int]string{}, kills: map[int]func(){}}
	h.hardCtx, h.hard = context.WithCancel(context.WithoutCancel(parent))
	ctx := context.WithValue(parent, key{}, h)
	ctx, h.soft = context.WithCancelCause(ctx)
	return ctx, h
}

// signal is one SIGINT/SIGTERM: the first stops new work, the second ends
// the process.
func (h *handler) signal() {
	h.mu.Lock()
	h.signals++
	n := h.signals
	running := h.running()
	var kills []func()
	if n > 1 {
		for _, k := range h.kills {
			kills = append(kills, k)
		}
	}
	h.mu.Unlock()
	if n == 1 {
		if len(running) > 0 {
			fmt.Fprintf(h.errOut, "\nInterrupted: starting nothing new; waiting for what is running to finish (%s). Press Ctrl-C again to exit at once.\n", strings.Join(running, "; "))
		}
		h.soft(ErrSignal)
		return
	}
	if len(running) > 0 {
		fmt.Fprintf(h.errOut, "\nInterrupted again: exiting at once. Still in flight, check by hand: %s\n", strings.Join(running, "; "))
	} else {
		fmt.Fprintln(h.errOut, "\nInterrupted again: exiting at once.")
	}
	h.hard()
	for _, k := range kills {
		k()
	}
	h.exit(ExitCode)
}

func (h *handler) running() []string {
	ids := make([]int, 0, len(h.inflight))
	for id := range h.inflight {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, h.inflight[id])
	}
	return out
}

func from(ctx context.Context) *handler {
	h, _ := ctx.Value(key{}).(*handler)
	return h
}

// Detached returns a context for work that must not be cut by the first
// signal (a step in flight, a clean-up): it keeps ctx's values, and is
// cancelled only by the second signal. Without Install (tests, library
// use) it is simply never cancelled.
func Detached(ctx context.Context) context.Context {
	h := from(ctx)
	if h == nil {
		return context.WithoutCancel(ctx)
	}
	return detached{Context: h.hardCtx, values: ctx}
}

// detached is cancelled with the second signal and carries the values of
// the context it was detached from.
type detached struct {
	context.Context
	values context.Context
}

func (d detached) Value(k any) any { return d.values.Value(k) }

// beforeExit registers kill to run when the second signal exits, until the
// returned function is called.
func (h *handler) beforeExit(kill func()) (remove func()) {
	return register(h, h.kills, kill)
}

// register adds v to one of h's registries until the returned function is
// called.
func register[T any](h *handler, m map[int]T, v T) (remove func()) {
	h.mu.Lock()
	h.next++
	id := h.next
	m[id] = v
	h.mu.Unlock()
	return func() {
		h.mu.Lock()
		delete(m, id)
		h.mu.Unlock()
	}
}

// Begin records what is in flight (said on the second signal) until end
// is called.
func Begin(ctx context.Context, what string) (end func()) {
	h := from(ctx)
	if h == nil {
		return func() {}
	}
	return register(h, h.inflight, what)
}
