package cmd

import (
	"bytes"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// runPlugin runs the root command in-process like main does: the same
// error line on stderr, the same exit code, the profile written at the end.
func runPlugin(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runPluginStdin(t, "", args...)
}

// runPluginStdin is runPlugin with standard input.
func runPluginStdin(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	g := &Globals{Globals: cli.Globals{Streams: genericiooptions.IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut}}, Args: args}
	root := NewRootCmdWithGlobals(g)
	root.SetArgs(args)
	err := root.ExecuteContext(t.Context())
	if ferr := g.Finish(); err == nil {
		err = ferr
	}
	if msg := cli.Message(err); msg != "" {
		errOut.WriteString("error: " + msg + "\n")
	}
	return out.String(), errOut.String(), cli.CodeOf(err)
}
