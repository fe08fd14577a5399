// Package profile is kubectl's --profile/--profile-output pair: the speed
// of a command on a provider's cluster is something an operator can
// measure and send in, with `go tool pprof` on the file it writes.
package profile

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/spf13/pflag"
)

// Profiler captures one profile of the whole run.
type Profiler struct {
	name, output string
	cpu          *os.File
}

// AddFlags adds --profile and --profile-output.
func (p *Profiler) AddFlags(pf *pflag.FlagSet) {
	pf.StringVar(&p.name, "profile", "none", "Name of profile to capture. One of (none|cpu|heap|goroutine|threadcreate|block|mutex)")
	pf.StringVar(&p.output, "profile-output", "profile.pprof", "Name of the file to write the profile to")
}

// Start begins a CPU profile, or arms the runtime's block and mutex
// sampling; the other profiles are snapshots taken by Stop.
func (p *Profiler) Start() error {
	switch p.name {
	case "none":
		return nil
	case "cpu":
		f, err := os.Create(p.output)
		if err != nil {
			return fmt.Errorf("--profile-output: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			_ = f.Close()
			return fmt.Errorf("--profile=cpu: %w", err)
		}
		p.cpu = f
		return nil
	case "block":
		runtime.SetBlockProfileRate(1)
	case "mutex":
		runtime.SetMutexProfileFraction(1)
	}
	if pprof.Lookup(p.name) == nil {
		return fmt.Errorf("--profile %q: want one of none, cpu, heap, goroutine, threadcreate, block, mutex", p.name)
	}
	return nil
}

// Stop writes the profile. It is safe to call when nothing was started and
// more than once.
func (p *Profiler) Stop() error {
	switch {
	case p.name == "none" || p.name == "":
		return nil
	case p.cpu != nil:
		pprof.StopCPUProfile()
		err := p.cpu.Close()
		p.cpu = nil
		return err
	}
	prof := pprof.Lookup(p.name)
	if prof == nil {
		return nil
	}
	if p.name == "heap" {
		runtime.GC() // up-to-date statistics, as kubectl does
	}
	f, err := os.Create(p.output)
	if err != nil {
		return fmt.Errorf("--profile-output: %w", err)
	}
	if err := prof.WriteTo(f, 0); err != nil {
		_ = f.Close()
		return err
	}
	p.name = "" // written
	return f.Close()
}
