package profile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestProfiler: each profile is written by Stop (a second Stop writes
// nothing more), none writes nothing, and an unknown name is refused by
// Start.
func TestProfiler(t *testing.T) {
	for _, name := range []string{"none", "cpu", "heap", "mutex"} {
		out := filepath.Join(t.TempDir(), "p.pprof")
		var p Profiler
		fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
		p.AddFlags(fs)
		if err := fs.Parse([]string{"--profile=" + name, "--profile-output=" + out}); err != nil {
			t.Fatal(err)
		}
		if err := p.Start(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := p.Stop(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := p.Stop(); err != nil {
			t.Fatalf("%s, second Stop: %v", name, err)
		}
		_, err := os.Stat(out)
		if (name == "none") != os.IsNotExist(err) {
			t.Errorf("%s: stat %s: %v", name, out, err)
		}
	}
	p := Profiler{name: "nope"}
	if err := p.Start(); err == nil || !strings.Contains(err.Error(), "want one of none, cpu") {
		t.Errorf("unknown profile: %v", err)
	}
}
