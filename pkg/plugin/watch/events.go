package watch

import (
	"context"
	"sync"
	"time"

	kwatch "k8s.io/apimachinery/pkg/watch"
)

// Opener opens one Kubernetes watch (a WATCH request with the same selector
// as the command's LIST).
type Opener func(ctx context.Context) (kwatch.Interface, error)

// OnEvents is a Next that returns once any of the watches has an event,
// after letting a burst of events settle (a lease created is a namespace,
// a Manifest and pods within a second), so one refresh covers the burst.
// The watches open on the first call and reopen when the server ends them;
// a watch that cannot be opened ends the command with its error.
func OnEvents(settle time.Duration, openers ...Opener) func(ctx context.Context) error {
	changed := make(chan struct{}, 1)
	failed := make(chan error, len(openers))
	var once sync.Once
	start := func(ctx context.Context) {
		for _, open := range openers {
			go follow(ctx, open, changed, failed)
		}
	}
	return func(ctx context.Context) error {
		once.Do(func() { start(ctx) })
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-failed:
			return err
		case <-changed:
		}
		t := time.NewTimer(settle)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		select { // events of the burst already counted
		case <-changed:
		default:
		}
		return nil
	}
}

// follow keeps one watch open until ctx ends and signals each event.
func follow(ctx context.Context, open Opener, changed chan<- struct{}, failed chan<- error) {
	for ctx.Err() == nil {
		w, err := open(ctx)
		if err != nil {
			if ctx.Err() == nil {
				failed <- err
			}
			return
		}
		for ev := range w.ResultChan() {
			if ev.Type == kwatch.Error {
				break // reopen: an expired resourceVersion, a compaction
			}
			select {
			case changed <- struct{}{}:
			default:
			}
		}
		w.Stop()
		select { // a change may have been missed while reopening
		case changed <- struct{}{}:
		default:
		}
		select { // a server that ends every watch at once is not hammered
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// Every is a Next that waits period.
func Every(period time.Duration) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(period):
			return nil
		}
	}
}
