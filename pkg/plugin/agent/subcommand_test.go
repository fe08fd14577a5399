package agent

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// TestSubcommandExitsByThePolicy: the generated subcommand prints the
// report, names the node from --node-name over the default, and exits
// with the command's code, the report still printed.
func TestSubcommandExitsByThePolicy(t *testing.T) {
	for _, c := range []struct {
		args []string
		out  string
		code int
	}{
		{[]string{"echo"}, `{"kind":"Echo","depth":2,"label":"","node":"pod-node"}`, cli.ExitOK},
		{[]string{"echo", "--node-name", "n1", `--options={"depth":9}`}, `{"kind":"Echo","depth":9,"label":"","node":"n1"}`, 3},
		{[]string{"echo", `--options={"depth":-1}`}, "", cli.ExitFailure},
	} {
		var out bytes.Buffer
		cmd := newCommand(&out, &out, "pod-node", []Declared{testCommand()})
		cmd.SetArgs(c.args)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		err := cmd.Execute()
		if strings.TrimSpace(out.String()) != c.out || cli.CodeOf(err) != c.code {
			t.Errorf("%v: %q exit %d (%v), want %q exit %d", c.args, out.String(), cli.CodeOf(err), err, c.out, c.code)
		}
	}
}
