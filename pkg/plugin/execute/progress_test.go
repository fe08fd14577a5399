package execute

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/progress"
)

// The engine reports each action it applies, numbered over the plan, with
// its subject and its outcome: the one hook that gives every mutating
// command progress.
func TestEngineReportsEachAction(t *testing.T) {
	var buf bytes.Buffer
	ctx := progress.With(context.Background(), progress.New(&buf))
	r := &recorder{fail: map[string]Result{"b1": Conflict}}
	e := (&Options{}).NewEngine().Register(r, Delete)
	p := &Plan{}
	p.Add("lease A", del("a1"), del("a2"))
	p.Add("lease B", del("b1"), del("b2"))
	e.Run(ctx, p)
	want := []string{
		`^\[1/4\] lease A: delete things/a1 \.\.\.$`,
		`^\[1/4\] lease A: delete things/a1: Succeeded \(\d+(\.\d)?m?s\)$`,
		`^\[2/4\] lease A: delete things/a2 \.\.\.$`,
		`^\[2/4\] lease A: delete things/a2: Succeeded \(.*\)$`,
		`^\[3/4\] lease B: delete things/b1 \.\.\.$`,
		`^\[3/4\] lease B: delete things/b1: Conflict: boom \(.*\)$`,
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d (b2 is skipped, not started):\n%s", len(lines), len(want), buf.String())
	}
	for i, re := range want {
		if !regexp.MustCompile(re).MatchString(lines[i]) {
			t.Errorf("line %d = %q, want %s", i+1, lines[i], re)
		}
	}
}

// A client dry run applies nothing, so it reports nothing; without a
// reporter in the context (stderr not a terminal) nothing is written either.
func TestEngineReportsNothingWhenNothingRunsOrNoTerminal(t *testing.T) {
	var buf bytes.Buffer
	ctx := progress.With(context.Background(), progress.New(&buf))
	e := (&Options{DryRun: cmdutil.DryRunClient}).NewEngine().Register(&recorder{}, Delete)
	p := &Plan{}
	p.Add("lease A", del("a1"))
	e.Run(ctx, p)
	if buf.Len() != 0 {
		t.Fatalf("client dry run reported %q", buf.String())
	}
	e = (&Options{}).NewEngine().Register(&recorder{}, Delete)
	p = &Plan{}
	a := del("a1")
	p.Add("lease A", a)
	e.Run(progress.With(context.Background(), progress.ForTerminal(&buf)), p)
	if buf.Len() != 0 || a.Result != Succeeded {
		t.Fatalf("a buffer is not a terminal, yet %q was reported (result %s)", buf.String(), a.Result)
	}
}
