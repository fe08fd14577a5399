package progress

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/creack/pty"
)

func TestStepReportsStartAndOutcomeWithDuration(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf)
	clock := time.Unix(0, 0)
	r.now = func() time.Time { return clock }
	s := r.Start("[1/2] lease A: close bid")
	clock = clock.Add(6240 * time.Millisecond)
	s.Done("Succeeded")
	want := "[1/2] lease A: close bid ...\n[1/2] lease A: close bid: Succeeded (6.2s)\n"
	if buf.String() != want {
		t.Fatalf("got %q, want %q", buf.String(), want)
	}
}

// Nothing that is not a terminal gets progress: a buffer, a regular file, a
// pipe. A nil reporter (what From gives without one) is silent.
func TestSilentUnlessTerminal(t *testing.T) {
	var buf bytes.Buffer
	if ForTerminal(&buf) != nil {
		t.Fatal("a buffer is not a terminal")
	}
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if ForTerminal(f) != nil {
		t.Fatal("a regular file is not a terminal")
	}
	rd, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	defer wr.Close()
	if ForTerminal(wr) != nil {
		t.Fatal("a pipe is not a terminal")
	}
	r := From(context.Background())
	r.Printf("x")
	r.Start("y").Done("z") // must not panic
	if From(With(context.Background(), New(&buf))) == nil {
		t.Fatal("With/From lost the reporter")
	}
}

// A pseudo-terminal is a terminal: progress is written to it.
func TestReportsOnATerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("opening a pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	r := ForTerminal(tty)
	if r == nil {
		t.Fatal("a pseudo-terminal was not taken for a terminal")
	}
	r.Printf("hello %d", 1)
	got := make([]byte, 64)
	n, err := ptmx.Read(got)
	if err != nil || !bytes.Contains(got[:n], []byte("hello 1")) {
		t.Fatalf("read %q, %v from the terminal", got[:n], err)
	}
}
