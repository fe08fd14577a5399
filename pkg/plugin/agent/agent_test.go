package agent

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

type testOptions struct {
	Depth int    `json:"depth,omitempty"`
	Label string `json:"label,omitempty"`
}

type testReport struct {
	Kind  string `json:"kind"`
	Depth int    `json:"depth"`
	Label string `json:"label"`
	Node  string `json:"node"`
}

// testCommand echoes its options and the node; its exit code is 3 when
// Depth is above 5 (a report with findings).
func testCommand() *Command[testOptions, testReport] {
	return &Command[testOptions, testReport]{
		Name:     "echo",
		Short:    "Echo the options",
		Defaults: testOptions{Depth: 2},
		Flags: func(fs *pflag.FlagSet, o *testOptions) {
			fs.StringVar(&o.Label, "label", o.Label, "A label.")
		},
		Run: func(_ context.Context, env Env, o testOptions) (testReport, error) {
			if o.Depth < 0 {
				return testReport{}, errors.New("depth must not be negative")
			}
			return testReport{Kind: "Echo", Depth: o.Depth, Label: o.Label, Node: env.NodeName}, nil
		},
		Exit: func(r testReport) int {
			if r.Depth > 5 {
				return 3
			}
			return 0
		},
		Kind: "Echo",
		Valid: func(r testReport) error {
			if r.Depth == 42 {
				return errors.New("the depth of no report")
			}
			return nil
		},
	}
}

// TestArgv: the one command line, options as one JSON flag.
func TestArgv(t *testing.T) {
	got := testCommand().Argv(testOptions{Depth: 7, Label: `a "b"`})
	want := []string{"kubectl-akash", "agent", "echo", "--host-root=/host", "--proc-root=/proc", `--options={"depth":7,"label":"a \"b\""}`}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Argv:\n got %q\nwant %q", got, want)
	}
}

// TestArgvPanicsOnOptionsJSONCannotEncode: a declaration bug is loud.
func TestArgvPanicsOnOptionsJSONCannotEncode(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for options that cannot be encoded")
		}
	}()
	Argv("bad", struct{ C chan int }{})
}

// run binds c as the agent command does, parses args and runs it.
func run(t *testing.T, args ...string) (string, int, error) {
	t.Helper()
	fs := pflag.NewFlagSet("echo", pflag.ContinueOnError)
	runner := testCommand().Bind(fs)
	var options string
	fs.StringVar(&options, OptionsFlag, "", "")
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	code, err := runner(context.Background(), Env{NodeName: "n1"}, options, &out)
	return out.String(), code, err
}

// TestBindRunsWithDefaultsFlagsAndOptions: the defaults, then the hand
// flags, then --options (which wins); the exit policy; bad options and a
// failed Run are ExitError with no report.
func TestBindRunsWithDefaultsFlagsAndOptions(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		out      string
		code     int
		errorSay string
	}{
		{"defaults", nil, `{"kind":"Echo","depth":2,"label":"","node":"n1"}`, 0, ""},
		{"hand flag", []string{"--label=x"}, `{"kind":"Echo","depth":2,"label":"x","node":"n1"}`, 0, ""},
		{"options win", []string{"--label=x", `--options={"label":"y","depth":9}`}, `{"kind":"Echo","depth":9,"label":"y","node":"n1"}`, 3, ""},
		{"bad options", []string{"--options={"}, "", ExitError, "--options is not the JSON of agent echo's options"},
		{"run fails", []string{`--options={"depth":-1}`}, "", ExitError, "depth must not be negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, code, err := run(t, tc.args...)
			if strings.TrimSpace(out) != tc.out || code != tc.code {
				t.Errorf("got %q exit %d, want %q exit %d", out, code, tc.out, tc.code)
			}
			if (err != nil) != (tc.errorSay != "") || err != nil && !strings.Contains(err.Error(), tc.errorSay) {
				t.Errorf("error %v, want one saying %q", err, tc.errorSay)
			}
		})
	}
}

// TestDecode: a report; a failed run keeps its error; a findings exit code
// still carries its report; anything else is the one "not a report" sentence.
func TestDecode(t *testing.T) {
	c := testCommand()
	runErr := errors.New("pod did not start")
	exitErr := errors.New("the agent exited with code 3")
	crashErr := errors.New("the agent exited with code 1: boom")
	report := []byte(`{"kind":"Echo","depth":9,"label":"y","node":"n1"}`)
	for _, tc := range []struct {
		name string
		a    Answer
		want testReport
		err  string
	}{
		{"report", Answer{Node: "n1", Stdout: report}, testReport{Kind: "Echo", Depth: 9, Label: "y", Node: "n1"}, ""},
		{"run failed", Answer{Node: "n1", ExitCode: -1, Err: runErr}, testReport{}, runErr.Error()},
		{"invalid", Answer{Node: "n1", Stdout: []byte(`{"kind":"Echo","depth":42}`)}, testReport{},
			"the agent's answer is not the report of `agent echo` (is --image this version of kubectl-akash?): the depth of no report: \"{\\\"kind\\\":\\\"Echo\\\",\\\"depth\\\":42}\""},
		{"findings exit", Answer{Node: "n1", Stdout: report, ExitCode: 3, Err: exitErr}, testReport{Kind: "Echo", Depth: 9, Label: "y", Node: "n1"}, ""},
		{"findings exit without report", Answer{Node: "n1", Stdout: []byte("panic"), ExitCode: 3, Err: exitErr}, testReport{}, exitErr.Error()},
		{"agent error", Answer{Node: "n1", Stdout: report, ExitCode: 1, Err: crashErr}, testReport{}, crashErr.Error()},
		{"not JSON", Answer{Node: "n1", Stdout: []byte("Usage: kubectl-akash ...")}, testReport{},
			"the agent's answer is not the report of `agent echo` (is --image this version of kubectl-akash?): invalid character 'U' looking for beginning of value: \"Usage: kubectl-akash ...\""},
		{"another report", Answer{Node: "n1", Stdout: []byte(`{"kind":"GPUNode"}`)}, testReport{},
			"the agent's answer is not the report of `agent echo` (is --image this version of kubectl-akash?): kind \"GPUNode\", not Echo: \"{\\\"kind\\\":\\\"GPUNode\\\"}\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Decode(tc.a)
			if got != tc.want {
				t.Errorf("report %+v, want %+v", got, tc.want)
			}
			if (err != nil) != (tc.err != "") || err != nil && err.Error() != tc.err {
				t.Errorf("error %v, want %q", err, tc.err)
			}
		})
	}
}

// TestRegisterRefusesTwoOfOneName and lists commands by name.
func TestRegisterRefusesTwoOfOneName(t *testing.T) {
	before := len(Commands())
	a := testCommand()
	a.Name = "zz-test-a"
	b := testCommand()
	b.Name = "zz-test-b"
	Register(b, a)
	defer func() {
		mu.Lock()
		delete(commands, "zz-test-a")
		delete(commands, "zz-test-b")
		mu.Unlock()
	}()
	cs := Commands()
	if len(cs) != before+2 || cs[len(cs)-2].Info().Name != "zz-test-a" || cs[len(cs)-1].Info().Name != "zz-test-b" {
		t.Fatalf("Commands not sorted by name or missing: %v", cs)
	}
	defer func() {
		if p := recover(); p == nil || !strings.Contains(fmt.Sprint(p), `"zz-test-a" is registered twice`) {
			t.Fatalf("panic %v", p)
		}
	}()
	Register(a)
}
