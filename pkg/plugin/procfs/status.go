package procfs

import (
	"bytes"
	"fmt"
	"strconv"
)

// Status is what the node checks need from /proc/<pid>/status.
type Status struct {
	Name string
	PPID int
	// NSpid is the PID in each nested PID namespace, from the namespace of
	// the /proc mount inward: "NSpid: 4711 1" is PID 1 of a container.
	NSpid []int
	// SigCgt is the mask of caught signals: bit n-1 set = signal n has a
	// handler. SigIgn is the mask of ignored ones.
	SigCgt, SigIgn uint64
}

// ContainerInit reports whether the process is PID 1 of a PID namespace
// nested inside the one /proc shows: a container's init. The kernel marks
// such a process SIGNAL_UNKILLABLE: signals it has no handler for are
// dropped, SIGKILL from an ancestor namespace excepted. The host's own PID 1
// (NSpid "1", one field) is not a container's init.
func (s *Status) ContainerInit() bool {
	return len(s.NSpid) >= 2 && s.NSpid[len(s.NSpid)-1] == 1
}

// ParseStatus parses the lines of /proc/<pid>/status the checks use and
// ignores the rest.
func ParseStatus(b []byte) (Status, error) {
	var s Status
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			continue
		}
		key, val := string(line[:colon]), bytes.TrimSpace(line[colon+1:])
		var err error
		switch key {
		case "Name":
			s.Name = string(val)
		case "PPid":
			var ok bool
			if s.PPID, ok = atoi(val); !ok {
				err = fmt.Errorf("bad PPid %q", val)
			}
		case "NSpid":
			s.NSpid = s.NSpid[:0]
			for _, f := range bytes.Fields(val) {
				n, ok := atoi(f)
				if !ok {
					err = fmt.Errorf("bad NSpid %q", val)
					break
				}
				s.NSpid = append(s.NSpid, n)
			}
		case "SigCgt":
			s.SigCgt, err = strconv.ParseUint(string(val), 16, 64)
		case "SigIgn":
			s.SigIgn, err = strconv.ParseUint(string(val), 16, 64)
		}
		if err != nil {
			return s, fmt.Errorf("status: %s: %w", key, err)
		}
	}
	return s, nil
}
