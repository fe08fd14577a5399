// Package bounded reads and collects at most a known number of bytes. What
// another program, a node or a server sends back is not trusted to be
// small: past the bound a read fails with a clear error instead of filling
// memory or being cut silently into something that parses.
package bounded

import (
	"bytes"
	"fmt"
	"io"
)

// Sizes used across the plugin.
const (
	// Output bounds what a command run elsewhere prints (a CLI in the
	// provider pod, an agent on a node): reports are kilobytes to a few
	// megabytes on the largest nodes.
	Output = 64 << 20
	// Body bounds an HTTP answer (a page of chain leases).
	Body = 64 << 20
)

// TooLargeError says what was larger than its bound.
type TooLargeError struct {
	What  string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %d MiB: refusing to read more of it", e.What, e.Limit>>20)
}

// Buffer is a bytes.Buffer that takes at most Limit bytes; a write past
// that fails with a *TooLargeError (and the writer, an exec stream or a
// process, stops).
type Buffer struct {
	bytes.Buffer
	Limit int64
	What  string
}

// NewBuffer returns a buffer of at most limit bytes of what.
func NewBuffer(what string, limit int64) *Buffer { return &Buffer{Limit: limit, What: what} }

// Write appends p, or fails when p does not fit.
func (b *Buffer) Write(p []byte) (int, error) {
	if int64(b.Len())+int64(len(p)) > b.Limit {
		return 0, &TooLargeError{What: b.What, Limit: b.Limit}
	}
	return b.Buffer.Write(p)
}

// ReadAll reads r to its end, failing past limit bytes.
func ReadAll(r io.Reader, what string, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &TooLargeError{What: what, Limit: limit}
	}
	return b, nil
}
