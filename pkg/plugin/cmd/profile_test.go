package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// TestProfile checks kubectl's --profile flags: each profile is written to
// --profile-output when the command ends, also when it failed, and an
// unknown name is refused before the command runs.
func TestProfile(t *testing.T) {
	run := func(args ...string) (*Globals, error) {
		var out, errOut bytes.Buffer
		g := &Globals{Streams: genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, Args: args}
		root := NewRootCmdWithGlobals(g)
		root.SetArgs(args)
		err := root.Execute()
		if ferr := g.Finish(); err == nil {
			err = ferr
		}
		return g, err
	}
	for _, name := range []string{"cpu", "heap", "goroutine", "block", "mutex"} {
		out := filepath.Join(t.TempDir(), name+".pprof")
		if _, err := run("version", "--profile", name, "--profile-output", out); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
			t.Fatalf("%s: no profile written (%v)", name, err)
		}
	}
	out := filepath.Join(t.TempDir(), "failed.pprof")
	if _, err := run("leases", "list", "--kubeconfig", filepath.Join(t.TempDir(), "none"), "--profile", "heap", "--profile-output", out); err == nil {
		t.Fatal("leases list without a kubeconfig succeeded")
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatalf("a failed command wrote no profile: %v", err)
	}
	if _, err := run("version", "--profile", "nope"); err == nil || !strings.Contains(err.Error(), "want one of") {
		t.Fatalf("--profile nope: %v", err)
	}
}
