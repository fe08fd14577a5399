package execute

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

type planResult struct {
	Kind    string    `json:"kind"`
	Actions []*Action `json:"actions"`
}

// flowFor parses args like a command would and builds a flow over two
// planned deletes whose execution is recorded.
func flowFor(t *testing.T, stdin string, tty bool, args ...string) (*Flow, *bytes.Buffer, *bytes.Buffer, *int) {
	t.Helper()
	o, out := NewOptions(), output.NewFlags()
	o.IsTerminal = func(io.Reader) bool { return tty }
	cmd := &cobra.Command{Use: "x"}
	o.AddFlags(cmd)
	out.AddFlags(cmd)
	if err := cmd.ParseFlags(args); err != nil {
		t.Fatal(err)
	}
	if err := o.Complete(cmd); err != nil {
		t.Fatal(err)
	}
	if err := out.Validate(); err != nil {
		t.Fatal(err)
	}
	res := &planResult{Kind: "Plan", Actions: []*Action{
		NewDelete(Target{Version: "v1", Resource: "configmaps", Namespace: "ns", Name: "a"}),
		NewDelete(Target{Version: "v1", Resource: "configmaps", Namespace: "ns", Name: "b"}),
	}}
	stdout, stderr := &bytes.Buffer{}, &bytes.Buffer{}
	executed := 0
	f := &Flow{
		Options: o, Output: out, Result: res, Question: "Delete 2 ConfigMaps.",
		Streams: genericiooptions.IOStreams{In: strings.NewReader(stdin), Out: stdout, ErrOut: stderr},
		Table: func() *output.Table {
			tb := output.NewTable(output.Column{Name: "TARGET"}, output.Column{Name: "RESULT"})
			for _, a := range res.Actions {
				tb.AddRow(a.Target.String(), string(a.Result))
			}
			return tb
		},
	}
	f.Plan = &Plan{}
	f.Plan.Add("configmap a", res.Actions[0])
	f.Plan.Add("configmap b", res.Actions[1])
	f.Engine = o.NewEngine().Register(ApplierFunc(func(ctx context.Context, a *Action, dryRun cmdutil.DryRunStrategy) Outcome {
		if a.Target.Name == "a" {
			executed++
		}
		if dryRun != cmdutil.DryRunNone {
			return Outcome{Result: DryRun}
		}
		if a.Target.Name == "b" && strings.Contains(stdin, "fail-second") {
			return Outcome{Result: Conflict}
		}
		return Outcome{Result: Succeeded}
	}), Delete)
	return f, stdout, stderr, &executed
}

func TestFlowRefusesWithoutTerminalOrYes(t *testing.T) {
	f, stdout, _, executed := flowFor(t, "", false)
	err := f.Run(context.Background())
	if !errors.Is(err, ErrNeedYes) || *executed != 0 {
		t.Fatalf("err=%v executed=%d", err, *executed)
	}
	if !strings.Contains(stdout.String(), "Plan:") || !strings.Contains(stdout.String(), "ns/configmaps/a") {
		t.Fatalf("the plan must be printed before refusing:\n%s", stdout.String())
	}
}

func TestFlowInteractiveYes(t *testing.T) {
	f, stdout, stderr, executed := flowFor(t, "y\n", true)
	if err := f.Run(context.Background()); err != nil || *executed != 1 {
		t.Fatalf("err=%v executed=%d", err, *executed)
	}
	if !strings.Contains(stderr.String(), "Delete 2 ConfigMaps. Do you want to continue? (y/N)") {
		t.Fatalf("prompt missing: %q", stderr.String())
	}
	if strings.Count(stdout.String(), "Succeeded") != 2 {
		t.Fatalf("outcomes missing:\n%s", stdout.String())
	}
}

func TestFlowInteractiveNo(t *testing.T) {
	f, _, _, executed := flowFor(t, "n\n", true)
	if err := f.Run(context.Background()); !errors.Is(err, ErrAborted) || *executed != 0 {
		t.Fatalf("err=%v executed=%d", err, *executed)
	}
}

func TestFlowDryRunNeedsNoConfirmation(t *testing.T) {
	f, stdout, _, executed := flowFor(t, "", false, "--dry-run=server")
	if err := f.Run(context.Background()); err != nil || *executed != 1 {
		t.Fatalf("err=%v executed=%d", err, *executed)
	}
	if strings.Contains(stdout.String(), "Plan:") || strings.Count(stdout.String(), "DryRun") != 2 {
		t.Fatalf("a dry run prints the outcome once:\n%s", stdout.String())
	}
}

func TestFlowJSONKeepsStdoutClean(t *testing.T) {
	f, stdout, stderr, _ := flowFor(t, "y\n", true, "-o", "json")
	if err := f.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stdout.String(), "Plan:") || !strings.HasPrefix(strings.TrimSpace(stdout.String()), "{") {
		t.Fatalf("stdout must be JSON only:\n%s", stdout.String())
	}
	if !strings.Contains(stderr.String(), "Plan:") {
		t.Fatalf("the plan goes to stderr before the prompt:\n%s", stderr.String())
	}
}

func TestFlowFailureExitCode(t *testing.T) {
	f, stdout, _, _ := flowFor(t, "fail-second", false, "--yes")
	err := f.Run(context.Background())
	if cli.CodeOf(err) != cli.ExitFailure || !strings.Contains(err.Error(), "1 of 2 planned actions failed") {
		t.Fatalf("err=%v code=%d", err, cli.CodeOf(err))
	}
	if !strings.Contains(stdout.String(), "Conflict") || !strings.Contains(stdout.String(), "Succeeded") {
		t.Fatalf("each object's outcome must be printed:\n%s", stdout.String())
	}
}
