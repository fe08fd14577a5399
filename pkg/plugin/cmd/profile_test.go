package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProfile checks kubectl's --profile flags: each profile is written to
// --profile-output when the command ends, also when it failed, and an
// unknown name is refused before the command runs.
func TestProfile(t *testing.T) {
	for _, name := range []string{"cpu", "heap", "goroutine", "block", "mutex"} {
		out := filepath.Join(t.TempDir(), name+".pprof")
		if _, stderr, code := runPlugin(t, "version", "--profile", name, "--profile-output", out); code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
			t.Fatalf("%s: no profile written (%v)", name, err)
		}
	}
	out := filepath.Join(t.TempDir(), "failed.pprof")
	if _, _, code := runPlugin(t, "leases", "list", "--kubeconfig", filepath.Join(t.TempDir(), "none"), "--profile", "heap", "--profile-output", out); code == 0 {
		t.Fatal("leases list without a kubeconfig succeeded")
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatalf("a failed command wrote no profile: %v", err)
	}
	if _, stderr, code := runPlugin(t, "version", "--profile", "nope"); code == 0 || !strings.Contains(stderr, "want one of") {
		t.Fatalf("--profile nope: exit %d: %s", code, stderr)
	}
}
