// Package watch is --watch, as kubectl get -w does it: print, then print
// again the objects that changed, until Ctrl-C, which ends the watch with
// exit code 0. A refresh is the command's own read (the same constant
// number of LISTs every time); what triggers one is a watch on the objects
// the read depends on, or a period for what cannot be watched (an HTTP
// endpoint). Objects are compared by their data, not their printed rows, so
// an AGE column ticking over is not a change.
package watch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
)

// Frame is what one read found.
type Frame struct {
	// Objects are the result objects by name.
	Objects map[string]any
	// Print writes the named objects (in the command's own order), with the
	// table's header when headers is set.
	Print func(out io.Writer, names map[string]bool, headers bool) error
}

// Read reads once; warnings go to errOut.
type Read func(ctx context.Context, errOut io.Writer) (*Frame, error)

// Options say what to print and when to read again.
type Options struct {
	// Only skips the first print (--watch-only): only changes are shown.
	Only bool
	// Next blocks until something may have changed, or ctx ends.
	Next func(ctx context.Context) error
}

// Run reads and prints every object, then reads again each time Next
// returns and prints the objects that are new or changed. It returns nil
// when ctx ends (the first Ctrl-C), and the first error of a read or of
// Next otherwise.
func Run(ctx context.Context, out, errOut io.Writer, o Options, read Read) error {
	var lastErr string
	var last map[string]string
	headers := true // until the first print
	for {
		var eb bytes.Buffer
		f, err := read(ctx, &eb)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		if eb.String() != lastErr { // a warning that stays is said once
			_, _ = io.WriteString(errOut, eb.String())
			lastErr = eb.String()
		}
		now, err := states(f.Objects)
		if err != nil {
			return err
		}
		changed := map[string]bool{}
		for name, s := range now {
			if old, ok := last[name]; !ok || old != s {
				changed[name] = true
			}
		}
		switch {
		case last == nil && o.Only:
		case len(changed) > 0:
			if err := f.Print(out, changed, headers); err != nil {
				return err
			}
			headers = false
		}
		last = now
		if err := o.Next(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

// states encodes each object, to compare reads.
func states(objects map[string]any) (map[string]string, error) {
	out := make(map[string]string, len(objects))
	for name, obj := range objects {
		b, err := json.Marshal(obj)
		if err != nil {
			return nil, fmt.Errorf("encoding %s: %w", name, err)
		}
		out[name] = string(b)
	}
	return out, nil
}
