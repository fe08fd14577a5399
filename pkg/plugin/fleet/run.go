package fleet

import (
	"context"
	"sync"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// DefaultParallel is how many contexts run at once unless told otherwise.
const DefaultParallel = 4

// Outcome is what one context's run printed and how it ended.
type Outcome struct {
	Context string
	Stdout  []byte
	Stderr  []byte
	// Code is the run's exit code; Message the error it ended with ("" for
	// none, or when the output already said everything).
	Code     int
	Message  string
	Duration time.Duration
}

// Failed reports whether the run failed (findings, exit 3, are not a failure).
func (o Outcome) Failed() bool { return o.Code != cli.ExitOK && o.Code != cli.ExitFindings }

// Runner runs the command for one member.
type Runner func(ctx context.Context, m Member) Outcome

// Run runs every member, at most parallel at once, and returns the outcomes
// in the members' order. done, when set, is called as each run finishes,
// never twice at once (it prints progress). Once ctx is cancelled no new run
// starts; those that did not start are failed outcomes saying so.
func Run(ctx context.Context, members []Member, parallel int, run Runner, done func(Outcome)) []Outcome {
	if parallel < 1 {
		parallel = 1
	}
	out := make([]Outcome, len(members))
	slots := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i, m := range members {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			out[i] = Outcome{Context: m.Context, Code: cli.ExitFailure, Message: "not run: " + ctx.Err().Error()}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			began := time.Now()
			o := run(ctx, m)
			o.Context, o.Duration = m.Context, time.Since(began)
			out[i] = o
			if done != nil {
				mu.Lock()
				done(o)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out
}
