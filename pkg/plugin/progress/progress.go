// Package progress tells the operator what long work is doing, on stderr
// and only when stderr is a terminal: a cron job's log, a pipe or a test
// sees nothing, so progress never mixes into captured output. The reporter
// travels in the command's context, so the executor and the debug pods
// report without every command wiring a writer through.
package progress

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"k8s.io/kubectl/pkg/util/term"
)

// Reporter writes progress lines. A nil *Reporter is silent, so callers
// never check whether progress is wanted.
type Reporter struct {
	mu  sync.Mutex
	w   io.Writer
	now func() time.Time
}

// ForTerminal returns a reporter on w when w is a terminal, and nil (silent)
// otherwise.
func ForTerminal(w io.Writer) *Reporter {
	if !term.IsTerminal(w) {
		return nil
	}
	return New(w)
}

// New returns a reporter that always writes to w (tests, and callers that
// decided themselves).
func New(w io.Writer) *Reporter {
	return &Reporter{w: w, now: time.Now}
}

// Printf writes one progress line; concurrent callers (nodes worked on in
// parallel) never interleave within a line.
func (r *Reporter) Printf(format string, args ...any) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.w, format+"\n", args...)
}

// Step is one timed piece of work: Start says what begins, Done what it came
// to and how long it took.
type Step struct {
	r     *Reporter
	what  string
	start time.Time
}

// Start reports that what begins and returns the step to end with Done.
func (r *Reporter) Start(what string) *Step {
	if r == nil {
		return nil
	}
	r.Printf("%s ...", what)
	return &Step{r: r, what: what, start: r.now()}
}

// Done reports how the step ended and how long it took, rounded to a tenth
// of a second (a transaction takes a block, about 6 s).
func (s *Step) Done(outcome string) {
	if s == nil {
		return
	}
	d := s.r.now().Sub(s.start).Round(100 * time.Millisecond)
	s.r.Printf("%s: %s (%s)", s.what, outcome, d)
}

type key struct{}

// With returns ctx carrying r.
func With(ctx context.Context, r *Reporter) context.Context {
	return context.WithValue(ctx, key{}, r)
}

// From is the reporter ctx carries, or nil (silent).
func From(ctx context.Context) *Reporter {
	r, _ := ctx.Value(key{}).(*Reporter)
	return r
}
