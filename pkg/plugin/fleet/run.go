package fleet

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/kubectl/pkg/util/term"

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

// Child runs one command line in a command tree and client stack of its
// own, printing to streams, and says how it ended.
type Child func(ctx context.Context, argv []string, streams genericiooptions.IOStreams) (code int, message string)

// RunMembers runs the invocation once per member through child, at most
// parallel at once (with envelope, each run prints its answer as an
// output.Envelope), and returns the outcomes in the members' order. A
// member whose context the kubeconfig lacks (known) fails without a run.
// Each run's stderr is relayed to stderr behind its context's name, and,
// when stderr is a terminal, a line says when each context is done.
func RunMembers(ctx context.Context, inv Invocation, members []Member, parallel int, envelope bool, known []string, child Child, stderr io.Writer) []Outcome {
	// The command lines are built here, before the runs start: reading the
	// parsed flags is not safe from several goroutines.
	argv := map[string][]string{}
	for _, m := range members {
		argv[m.Context] = inv.Argv(m, envelope)
	}
	progress := term.IsTerminal(stderr)
	finished := 0
	return Run(ctx, members, parallel, func(ctx context.Context, m Member) Outcome {
		if !slices.Contains(known, m.Context) {
			return Outcome{Code: cli.ExitFailure, Message: fmt.Sprintf("no context %q in the kubeconfig (kubectl config get-contexts lists them)", m.Context)}
		}
		var stdout, errOut bytes.Buffer
		code, msg := child(ctx, argv[m.Context], genericiooptions.IOStreams{In: strings.NewReader(""), Out: &stdout, ErrOut: &errOut})
		return Outcome{Stdout: stdout.Bytes(), Stderr: errOut.Bytes(), Code: code, Message: msg}
	}, func(o Outcome) {
		finished++
		prefixLines(stderr, o.Stderr, "["+o.Context+"] ")
		if progress {
			state := "done"
			if o.Failed() {
				state = "failed" // the reason is in the answer
			}
			fmt.Fprintf(stderr, "[%d/%d] context %s %s (%s)\n", finished, len(members), o.Context, state, o.Duration.Round(1e6))
		}
	})
}
