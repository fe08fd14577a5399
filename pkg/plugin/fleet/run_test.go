package fleet

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// TestRunBound: never more than parallel runs at once, every member run
// once, outcomes in the members' order whatever order they finish in.
func TestRunBound(t *testing.T) {
	var members []Member
	for i := range 9 {
		members = append(members, Member{Context: fmt.Sprint("c", i)})
	}
	var running, peak atomic.Int32
	release := make(chan struct{})
	var started sync.WaitGroup
	started.Add(3)
	go func() { started.Wait(); close(release) }()
	var doneOrder []string
	out := Run(t.Context(), members, 3, func(ctx context.Context, m Member) Outcome {
		n := running.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		if m.Context < "c3" {
			started.Done()
		}
		<-release
		running.Add(-1)
		return Outcome{Code: len(m.Context)}
	}, func(o Outcome) { doneOrder = append(doneOrder, o.Context) })
	if peak.Load() != 3 {
		t.Errorf("peak %d runs at once, want 3", peak.Load())
	}
	if len(doneOrder) != 9 {
		t.Errorf("done called %d times", len(doneOrder))
	}
	for i, o := range out {
		if o.Context != members[i].Context || o.Code != 2 {
			t.Errorf("outcome %d: %+v", i, o)
		}
	}
}

// TestRunCancelled: once the context is cancelled no run starts; those
// members are failed outcomes that say so.
func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	ran := 0
	out := Run(ctx, []Member{{Context: "a"}, {Context: "b"}}, 1, func(context.Context, Member) Outcome {
		ran++
		cancel()
		return Outcome{}
	}, nil)
	if ran != 1 || out[1].Context != "b" || !out[1].Failed() || out[1].Message != "not run: context canceled" {
		t.Fatalf("ran %d, outcomes %+v", ran, out)
	}
}
