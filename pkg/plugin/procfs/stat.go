package procfs

import (
	"bytes"
	"fmt"
)

// Stat is what the node checks need from /proc/<pid>/stat.
type Stat struct {
	PID  int
	Comm string
	// State is the one-letter state: R, S, D, Z (zombie), T, t, X, I...
	State byte
	PPID  int
	// Threads is num_threads: every thread holds a PID of its own, so the
	// node's PID usage is the sum of these, not the number of processes.
	Threads int
	// StartTicks is starttime: clock ticks after boot. With the PID it
	// identifies one process for its whole life (PIDs are recycled, start
	// times of a recycled PID differ).
	StartTicks uint64
}

// Zombie reports whether the process has exited and waits for its parent's
// wait().
func (s *Stat) Zombie() bool { return s.State == 'Z' }

// ParseStat parses one /proc/<pid>/stat line. comm is taken between the
// first '(' and the LAST ')': a process may name itself anything up to 15
// bytes, spaces and parentheses included ("a) S 1 (b"), so splitting on
// spaces, as `cut -d' '` does, reads the wrong fields.
func ParseStat(b []byte) (Stat, error) {
	var s Stat
	open := bytes.IndexByte(b, '(')
	end := bytes.LastIndexByte(b, ')')
	if open < 1 || end < open {
		return s, fmt.Errorf("stat line has no (comm): %.60q", b)
	}
	pid, ok := atoi(bytes.TrimSpace(b[:open]))
	if !ok {
		return s, fmt.Errorf("stat line has no pid: %.60q", b)
	}
	s.PID = pid
	s.Comm = string(b[open+1 : end])
	rest := b[end+1:]
	// Fields after comm, numbered as in proc(5): 3 state, 4 ppid, ...
	// 20 num_threads, 22 starttime.
	field := 2
	for len(rest) > 0 && field < 22 {
		for len(rest) > 0 && rest[0] == ' ' {
			rest = rest[1:]
		}
		i := bytes.IndexByte(rest, ' ')
		if i < 0 {
			i = len(rest)
		}
		tok := bytes.TrimRight(rest[:i], "\n")
		rest = rest[i:]
		if len(tok) == 0 {
			break
		}
		field++
		switch field {
		case 3:
			s.State = tok[0]
		case 4:
			if s.PPID, ok = atoi(tok); !ok {
				return s, fmt.Errorf("pid %d: bad ppid %q", pid, tok)
			}
		case 20:
			if s.Threads, ok = atoi(tok); !ok {
				return s, fmt.Errorf("pid %d: bad num_threads %q", pid, tok)
			}
		case 22:
			v, ok := atou(tok)
			if !ok {
				return s, fmt.Errorf("pid %d: bad starttime %q", pid, tok)
			}
			s.StartTicks = v
		}
	}
	if field < 22 {
		return s, fmt.Errorf("pid %d: stat line ends after field %d, want at least 22", pid, field)
	}
	return s, nil
}

// atoi parses a non-negative decimal int without allocating.
func atoi(b []byte) (int, bool) {
	v, ok := atou(b)
	return int(v), ok && v <= 1<<62
}

// atou parses a non-negative decimal uint64 without allocating.
func atou(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n := v*10 + uint64(c-'0')
		if n < v {
			return 0, false
		}
		v = n
	}
	return v, true
}
