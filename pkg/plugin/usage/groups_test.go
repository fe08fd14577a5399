package usage

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// TestInstalledGroups: a command that only groups others prints its help
// on stderr when run bare and refuses an unknown subcommand, both exit 1;
// a command with a Run of its own is left alone; a bad flag points at
// --help.
func TestInstalledGroups(t *testing.T) {
	for _, c := range []struct {
		args         []string
		stdout, want string
	}{
		{[]string{"nodes"}, "", ""},
		{[]string{"nodes", "bogus"}, "", `unknown command "bogus" for "tool nodes" (see 'tool nodes --help')`},
		{[]string{"nodes", "check", "--nope"}, "", "unknown flag: --nope (see 'tool nodes check --help')"},
		{[]string{"runs"}, "ran", ""},
	} {
		var out, errOut bytes.Buffer
		root := &cobra.Command{Use: "tool", SilenceErrors: true, SilenceUsage: true}
		nodes := &cobra.Command{Use: "nodes", Short: "Node checks"}
		nodes.AddCommand(&cobra.Command{Use: "check", Run: func(*cobra.Command, []string) {}})
		runs := &cobra.Command{Use: "runs", Run: func(c *cobra.Command, _ []string) { c.Print("ran") }}
		runs.AddCommand(&cobra.Command{Use: "sub", Run: func(*cobra.Command, []string) {}})
		root.AddCommand(nodes, runs)
		Install(root, "options")
		root.SetOut(&out)
		root.SetErr(&errOut)
		root.SetArgs(c.args)
		err := root.Execute()
		got := ""
		if err != nil && cli.Message(err) != "" {
			got = err.Error()
		}
		if got != c.want || out.String() != c.stdout {
			t.Errorf("%v: error %q stdout %q, want %q %q", c.args, got, out.String(), c.want, c.stdout)
		}
		if len(c.args) == 1 && c.args[0] == "nodes" {
			if cli.CodeOf(err) != cli.ExitFailure || !strings.Contains(errOut.String(), "tool nodes [command]") || nodes.Annotations[GroupAnnotation] == "" {
				t.Errorf("bare group: exit %d, stderr:\n%s", cli.CodeOf(err), errOut.String())
			}
		}
		if runs.Annotations[GroupAnnotation] != "" {
			t.Error("a command with a Run of its own was made a group")
		}
	}
}
