package procfs

import "syscall"

// The masks count signals by their Linux numbers, which are this process's
// own only on Linux: off Linux there is no signal to ask about.

// Catches reports whether the process installed a handler for sig.
func (s *Status) Catches(sig syscall.Signal) bool { return maskHas(s.SigCgt, sig) }

// Ignores reports whether the process set sig to SIG_IGN.
func (s *Status) Ignores(sig syscall.Signal) bool { return maskHas(s.SigIgn, sig) }

func maskHas(mask uint64, sig syscall.Signal) bool {
	return sig >= 1 && sig <= 64 && mask&(1<<(uint(sig)-1)) != 0
}
