package fleet

import (
	"errors"
	"testing"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// TestChildRun: a context's run ends as its tree's command ended, its
// finish error counts when the command succeeded, and a panic is that
// run's failure, not the whole fleet's.
func TestChildRun(t *testing.T) {
	for _, c := range []struct {
		name     string
		run      func(*cobra.Command, []string) error
		finish   error
		code     int
		msg      string
		runError string
	}{
		{"ok", func(*cobra.Command, []string) error { return nil }, nil, cli.ExitOK, "", ""},
		{"findings", func(*cobra.Command, []string) error { return cli.Silent(cli.ExitFindings) }, nil, cli.ExitFindings, "", "exit code 3"},
		{"failed", func(*cobra.Command, []string) error { return errors.New("cannot reach") }, nil, cli.ExitFailure, "cannot reach", "cannot reach"},
		{"profile", func(*cobra.Command, []string) error { return nil }, errors.New("no profile"), cli.ExitFailure, "no profile", "no profile"},
		{"panic", func(*cobra.Command, []string) error { panic("nil map") }, nil, cli.ExitFailure, "the command panicked: nil map", "the command panicked: nil map"},
	} {
		var argv []string
		f := NewFlags(&cli.Globals{}, func(a []string, _ genericiooptions.IOStreams) (*cobra.Command, func() error) {
			argv = a
			root := &cobra.Command{Use: "tool", SilenceErrors: true, SilenceUsage: true}
			root.AddCommand(&cobra.Command{Use: "list", RunE: c.run})
			return root, func() error { return c.finish }
		}, nil)
		code, msg := f.child(t.Context(), []string{"list"}, genericiooptions.IOStreams{})
		if code != c.code || msg != c.msg || len(argv) != 1 {
			t.Errorf("%s: exit %d %q (argv %q), want exit %d %q", c.name, code, msg, argv, c.code, c.msg)
		}
		got := ""
		if err := RunError(code, msg); err != nil {
			got = err.Error()
			if cli.CodeOf(err) != code {
				t.Errorf("%s: RunError exits %d, want %d", c.name, cli.CodeOf(err), code)
			}
		}
		if got != c.runError {
			t.Errorf("%s: RunError %q, want %q", c.name, got, c.runError)
		}
	}
}
