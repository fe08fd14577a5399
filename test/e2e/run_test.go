package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cmd"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

// result is what one `kubectl akash` invocation printed and its exit code.
type result struct {
	stdout, stderr string
	code           int
}

// runOpts tweak an invocation.
type runOpts struct {
	stdin string
	// config, when set, replaces the kubeconfig as the source of clients
	// (e.g. a counting config).
	config *rest.Config
	// kubeconfig replaces the admin kubeconfig (e.g. the viewer's).
	kubeconfig string
	// ctx, when set, is the command's context (cancel it to interrupt, as
	// SIGINT does in the binary).
	ctx context.Context
}

// kubectlAkash runs the plugin in-process exactly as main does: the same
// root command, the same exit-code and error-message rules.
func kubectlAkash(t *testing.T, c *cluster.Cluster, o runOpts, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	g := &cmd.Globals{Globals: cli.Globals{Streams: genericiooptions.IOStreams{In: strings.NewReader(o.stdin), Out: &stdout, ErrOut: &stderr}}}
	if o.config != nil {
		cfg := o.config
		g.ClientsFunc = func() (*cli.Clients, error) { return cli.ClientsFor(cfg) }
	}
	kubeconfig := c.Kubeconfig
	if o.kubeconfig != "" {
		kubeconfig = o.kubeconfig
	}
	fullArgs := append([]string{"--kubeconfig", kubeconfig}, args...)
	g.Args = fullArgs // scanned for --plugins while the commands are built
	root := cmd.NewRootCmdWithGlobals(g)
	root.SetArgs(fullArgs)
	parent := t.Context()
	if o.ctx != nil {
		parent = o.ctx
	}
	ctx, cancel := context.WithTimeout(parent, 2*time.Minute)
	defer cancel()
	err := root.ExecuteContext(ctx)
	if msg := cli.Message(err); msg != "" {
		stderr.WriteString("error: " + msg + "\n")
	}
	return result{stdout: stdout.String(), stderr: stderr.String(), code: cli.CodeOf(err)}
}

// ok fails the test unless the invocation exited 0.
func (r result) ok(t *testing.T) result {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	return r
}

// listItems decodes the -o json list a command printed: the list kind and
// the plugin's apiVersion are checked, and the items returned in order.
// stderr, when given, is shown if the output is not that list.
func listItems[T any](t *testing.T, kind, stdout, stderr string) []T {
	t.Helper()
	var l struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Items      []T    `json:"items"`
	}
	if err := json.Unmarshal([]byte(stdout), &l); err != nil || l.Kind != kind || l.APIVersion != output.APIVersion {
		t.Fatalf("not a %s of %s (%v; kind %q, apiVersion %q)\nstdout:\n%s\nstderr:\n%s", kind, output.APIVersion, err, l.Kind, l.APIVersion, stdout, stderr)
	}
	return l.Items
}
