package procfs

import (
	"syscall"
	"testing"
)

func TestSigCgtBits(t *testing.T) {
	// The kernel's examples: SIGCHLD (17) is 0x10000, SIGTERM (15) is 0x4000.
	s := Status{SigCgt: 0x10000}
	if !s.Catches(syscall.SIGCHLD) || s.Catches(syscall.SIGTERM) {
		t.Fatal("0x10000 is SIGCHLD only")
	}
	s = Status{SigCgt: 0x4000}
	if s.Catches(syscall.SIGCHLD) || !s.Catches(syscall.SIGTERM) {
		t.Fatal("0x4000 is SIGTERM only")
	}
	// systemd catches nearly everything; a shell catches SIGCHLD and SIGINT.
	s = Status{SigCgt: 0x0000000000010002}
	if !s.Catches(syscall.SIGCHLD) || !s.Catches(syscall.SIGINT) || s.Catches(syscall.SIGKILL) {
		t.Fatal("0x10002 is SIGCHLD and SIGINT")
	}
}

func TestCatchesAndIgnores(t *testing.T) {
	s, err := ParseStatus([]byte("Name:\tsh\nSigIgn:\t0000000000004000\nSigCgt:\t0000000000010002\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Catches(syscall.SIGCHLD) || !s.Catches(syscall.SIGINT) || s.Catches(syscall.SIGTERM) || !s.Ignores(syscall.SIGTERM) {
		t.Fatalf("masks: cgt %x ign %x", s.SigCgt, s.SigIgn)
	}
}
