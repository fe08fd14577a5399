package zombies

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// TestKillArgvNamesOnlyTheConfirmedParents: the agent's options, decoded
// as the agent does, ask for exactly the planned parents, with --yes.
func TestKillArgvNamesOnlyTheConfirmedParents(t *testing.T) {
	l := twoNodes()
	PlanKill(l, KillOptions{Grace: 3 * time.Second, AllowContainerRestart: true})
	argv, n := killArgv(l.Items[0], KillOptions{Grace: 3 * time.Second, AllowContainerRestart: true}, 80)
	var opts string
	for _, a := range argv {
		opts, _ = strings.CutPrefix(a, "--"+agent.OptionsFlag+"=")
	}
	var got AgentOptions
	if err := json.Unmarshal([]byte(opts), &got); err != nil || n != 1 {
		t.Fatalf("%q: %v", argv, err)
	}
	want := AgentOptions{KillFlags: KillFlags{Kill: true, Grace: 3 * time.Second, AllowContainerRestart: true, PIDPressure: 80}, Yes: true, Parents: []string{"4711:9"}}
	if !reflect.DeepEqual(got, want) || argv[2] != "zombies" {
		t.Fatalf("got %+v from %q", got, argv)
	}
}

// TestReportOf: a report, a failed run and an answer that is not a report.
func TestReportOf(t *testing.T) {
	good, _ := json.Marshal(&Report{TypeMeta: output.TypeMeta(Kind), Status: ReportStatus{Zombies: 2}})
	if r := ReportOf(nodedebug.NodeResult{Node: "n1", Stdout: good}); r.Status.Error != "" || r.Name != "n1" || r.Status.Node != "n1" || r.Status.Zombies != 2 || r.Status.Parents == nil {
		t.Fatalf("report: %+v", r)
	}
	if r := ReportOf(nodedebug.NodeResult{Node: "n1", Err: errors.New("the debug pod did not start")}); r.Status.Error != "the debug pod did not start" || r.Kind != Kind {
		t.Fatalf("failed run: %+v", r)
	}
	if r := ReportOf(nodedebug.NodeResult{Node: "n1", Stdout: []byte(`{"kind":"NodeGPU"}`)}); !strings.Contains(r.Status.Error, "is not the report of `agent zombies`") {
		t.Fatalf("another report: %+v", r.Status)
	}
}

// TestAgentOptionsValidate: the agent's own refusals, before it scans.
func TestAgentOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		name     string
		set      func(o *AgentOptions)
		procRoot string
		want     string
	}{
		{"scan", func(o *AgentOptions) {}, "/proc", ""},
		{"confirmed kill", func(o *AgentOptions) { o.Kill, o.Yes, o.Parents = true, true, []string{"4711:9"} }, "/proc", ""},
		{"kill without yes", func(o *AgentOptions) { o.Kill = true }, "/proc",
			"the agent never prompts: --kill needs --yes (node-debug zombies asks the operator first)"},
		{"bad parent", func(o *AgentOptions) { o.Kill, o.Yes, o.Parents = true, true, []string{"12"} }, "/proc",
			`--parent "12": want PID:STARTTICKS, e.g. 4711:123456`},
		{"kill on a copy of /proc", func(o *AgentOptions) { o.Kill, o.Yes = true, true }, "/srv/proc-copy",
			"--kill signals this machine's processes: it cannot be combined with a --proc-root other than /proc"},
		{"no grace", func(o *AgentOptions) { o.Grace = 0 }, "/proc", "--grace must be positive, got 0s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := Agent.Defaults
			tc.set(&o)
			err := o.Validate(tc.procRoot)
			if (tc.want == "" && err != nil) || (tc.want != "" && (err == nil || err.Error() != tc.want)) {
				t.Fatalf("want %q, got %v", tc.want, err)
			}
		})
	}
}

// TestAgentRefusesBeforeScanning: bad options stop the declared command
// with the sentence, and no report.
func TestAgentRefusesBeforeScanning(t *testing.T) {
	fs := pflag.NewFlagSet("zombies", pflag.ContinueOnError)
	run := Agent.Bind(fs)
	if err := fs.Parse([]string{"--kill"}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	code, err := run(context.Background(), agent.Env{HostRoot: "/nonexistent", ProcRoot: "/proc"}, "", &out)
	if code != agent.ExitError || err == nil || !strings.Contains(err.Error(), "--kill needs --yes") || out.Len() != 0 {
		t.Fatalf("exit %d, %v, %q", code, err, out.String())
	}
}
