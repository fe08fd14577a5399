package watch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"testing"
)

// script returns reads of the given frames (name -> value) one after
// another, cancelling the context after the last one, as a Ctrl-C would.
func script(frames []map[string]any, warn []string) (Read, func(context.Context) error, context.Context) {
	ctx, cancel := context.WithCancel(context.Background())
	i := 0
	read := func(_ context.Context, errOut io.Writer) (*Frame, error) {
		if warn != nil {
			fmt.Fprint(errOut, warn[i])
		}
		objs := frames[i]
		return &Frame{Objects: objs, Print: func(out io.Writer, names map[string]bool, headers bool) error {
			if headers {
				fmt.Fprintln(out, "NAME VALUE")
			}
			var keys []string
			for k := range names {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Fprintln(out, k, objs[k])
			}
			return nil
		}}, nil
	}
	next := func(context.Context) error {
		i++
		if i == len(frames) {
			cancel()
			return ctx.Err()
		}
		return nil
	}
	return read, next, ctx
}

func TestPrintsAllThenOnlyChangedObjects(t *testing.T) {
	frames := []map[string]any{
		{"a": 1, "b": 1},
		{"a": 1, "b": 1}, // nothing changed: nothing printed
		{"a": 1, "b": 2, "c": 1},
		{"a": 1}, // deletions are not printed, as kubectl get -w without --output-watch-events
	}
	warn := []string{"warning: x\n", "warning: x\n", "", ""}
	read, next, ctx := script(frames, warn)
	var out, errOut bytes.Buffer
	if err := Run(ctx, &out, &errOut, Options{Next: next}, read); err != nil {
		t.Fatalf("Ctrl-C must end a watch without error: %v", err)
	}
	if want := "NAME VALUE\na 1\nb 1\nb 2\nc 1\n"; out.String() != want {
		t.Fatalf("got %q, want %q", out.String(), want)
	}
	if errOut.String() != "warning: x\n" {
		t.Fatalf("a warning that stays is printed once: %q", errOut.String())
	}
}

func TestWatchOnlySkipsTheFirstPrintButNotTheHeader(t *testing.T) {
	read, next, ctx := script([]map[string]any{{"a": 1}, {"a": 2}}, nil)
	var out bytes.Buffer
	if err := Run(ctx, &out, io.Discard, Options{Only: true, Next: next}, read); err != nil {
		t.Fatal(err)
	}
	if out.String() != "NAME VALUE\na 2\n" {
		t.Fatalf("--watch-only: got %q", out.String())
	}
}

func TestErrorsEndTheWatch(t *testing.T) {
	boom := errors.New("forbidden")
	err := Run(context.Background(), io.Discard, io.Discard, Options{Next: func(context.Context) error { return nil }},
		func(context.Context, io.Writer) (*Frame, error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("a failed read: %v", err)
	}
	read, _, _ := script([]map[string]any{{"a": 1}}, nil)
	err = Run(context.Background(), io.Discard, io.Discard, Options{Next: func(context.Context) error { return boom }}, read)
	if !errors.Is(err, boom) {
		t.Fatalf("a watch that cannot open: %v", err)
	}
}
