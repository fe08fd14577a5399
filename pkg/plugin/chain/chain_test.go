package chain

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

var (
	owner    = akash.EncodeAddress([]byte("tenant-tenant-tenant"))
	provider = akash.EncodeAddress([]byte("provider-provider-pr"))
	lease    = akash.LeaseID{Owner: owner, DSeq: 9200455, GSeq: 2, OSeq: 3, Provider: provider}
)

// recorder is a Runner that records every command line and answers from a
// script of outputs, one per call (the last one repeats).
type recorder struct {
	calls   [][]string
	answers []Output
	err     error
}

func (r *recorder) Run(_ context.Context, argv []string) (Output, error) {
	r.calls = append(r.calls, argv)
	if r.err != nil {
		return Output{}, r.err
	}
	i := len(r.calls) - 1
	if i >= len(r.answers) {
		i = len(r.answers) - 1
	}
	return r.answers[i], nil
}

func (r *recorder) CommandLine(argv []string) string { return "rec " + strings.Join(argv, " ") }

// txJSON is what `provider-services tx ... --output json` prints (Cosmos SDK
// TxResponse; sync mode has height "0").
func txJSON(height int, hash string, code int, rawLog string) string {
	return fmt.Sprintf(`{"height":"%d","txhash":"%s","codespace":"%s","code":%d,"data":"","raw_log":%q,"logs":[],"info":"","gas_wanted":"200000","gas_used":"0","tx":null,"timestamp":"","events":[]}`,
		height, hash, map[bool]string{true: "sdk", false: ""}[code != 0], code, rawLog)
}

func broadcaster(r Runner) (*Broadcaster, *[]time.Duration) {
	var slept []time.Duration
	b := NewBroadcaster(r, cmdutil.DryRunNone)
	b.Sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	return b, &slept
}

func TestCloseBidArgv(t *testing.T) {
	got := strings.Join(CloseBid{ID: lease, Reason: DefaultReason}.Argv(), " ")
	want := "provider-services tx market bid close --owner " + owner + " --dseq 9200455 --gseq 2 --oseq 3 --reason 10002 --yes --output json"
	if got != want {
		t.Fatalf("argv\n got %s\nwant %s", got, want)
	}
	if got := strings.Join(CloseBid{ID: lease}.Argv(), " "); strings.Contains(got, "--reason") {
		t.Fatalf("reason 0 must leave the flag out: %s", got)
	}
	sim := strings.Join(CloseBid{ID: lease, Reason: 10002}.SimulateArgv(), " ")
	if !strings.HasSuffix(sim, "--reason 10002 --dry-run --from "+provider) || strings.Contains(sim, "--yes") {
		t.Fatalf("simulate argv %s", sim)
	}
}

func TestCommittedInBlockMode(t *testing.T) {
	r := &recorder{answers: []Output{{Stdout: txJSON(1234, "ABC123", 0, "[]")}}}
	b, slept := broadcaster(r)
	res := b.CloseBid(context.Background(), CloseBid{ID: lease, Reason: 10002})
	if res.Result != execute.Succeeded || res.TxHash != "ABC123" || res.Height != 1234 || res.Attempts != 1 || len(r.calls) != 1 || len(*slept) != 0 {
		t.Fatalf("res %+v calls %d slept %v", res, len(r.calls), *slept)
	}
	if !strings.Contains(res.Message, "closed in tx ABC123 at height 1234") || !strings.HasPrefix(res.Command, "rec provider-services tx market bid close") {
		t.Fatalf("res %+v", res)
	}
}

func TestSyncModeWaitsForTheBlock(t *testing.T) {
	notFound := Output{Stderr: "Error: tx (ABC) not found", ExitCode: 1}
	r := &recorder{answers: []Output{{Stdout: "gas estimate: 91234\n" + txJSON(0, "ABC", 0, "")}, notFound, notFound, {Stdout: txJSON(777, "ABC", 0, "[]")}}}
	b, slept := broadcaster(r)
	b.BlockTime = time.Second
	res := b.CloseBid(context.Background(), CloseBid{ID: lease})
	if res.Result != execute.Succeeded || res.Height != 777 || len(r.calls) != 4 || len(*slept) != 3 {
		t.Fatalf("res %+v calls %v slept %v", res, r.calls, *slept)
	}
	if got := strings.Join(r.calls[1], " "); got != "provider-services query tx ABC --output json" {
		t.Fatalf("commit query %q", got)
	}
}

func TestSequenceMismatchIsRetriedAfterTheNextBlock(t *testing.T) {
	mismatch := Output{Stdout: txJSON(0, "DEAD", 32, "account sequence mismatch, expected 42, got 41: incorrect account sequence")}
	cliErr := Output{Stderr: "Error: rpc error: code = Unknown desc = account sequence mismatch, expected 43, got 42: incorrect account sequence [cosmos/cosmos-sdk@v0.47.10/x/auth/ante/sigverify.go:269] With gas wanted: '0' and gas used: '35410' : unknown request", ExitCode: 1}
	r := &recorder{answers: []Output{mismatch, cliErr, {Stdout: txJSON(99, "GOOD", 0, "")}}}
	b, slept := broadcaster(r)
	b.BlockTime = time.Second
	res := b.CloseBid(context.Background(), CloseBid{ID: lease})
	if res.Result != execute.Succeeded || res.TxHash != "GOOD" || res.Attempts != 3 {
		t.Fatalf("res %+v", res)
	}
	if fmt.Sprint(*slept) != "[1s 2s]" {
		t.Fatalf("backoff %v, want one block then two", *slept)
	}
}

func TestSequenceMismatchGivesUp(t *testing.T) {
	r := &recorder{answers: []Output{{Stdout: txJSON(0, "X", 32, "account sequence mismatch, expected 2, got 1: incorrect account sequence")}}}
	b, _ := broadcaster(r)
	b.MaxAttempts = 3
	res := b.CloseBid(context.Background(), CloseBid{ID: lease})
	if res.Result != execute.Failed || res.Attempts != 3 || len(r.calls) != 3 || !strings.Contains(res.Message, "gave up after 3 attempts") || !strings.Contains(res.Message, "account sequence mismatch") {
		t.Fatalf("res %+v calls %d", res, len(r.calls))
	}
}

func TestReclamationWindow(t *testing.T) {
	r := &recorder{answers: []Output{{Stdout: txJSON(0, "R", 1, "failed to execute message; message index: 0: reclamation window has not elapsed: invalid request")}}}
	b, _ := broadcaster(r)
	res := b.CloseBid(context.Background(), CloseBid{ID: lease})
	want := "provider-services tx market bid start-reclaim --owner " + owner + " --dseq 9200455 --gseq 2 --oseq 3"
	if res.Result != execute.Failed || len(r.calls) != 1 || !strings.Contains(res.Message, "reclamation window that has not elapsed") || !strings.Contains(res.Message, want) {
		t.Fatalf("res %+v", res)
	}
}

func TestCLIErrors(t *testing.T) {
	cases := []struct {
		out  Output
		want string
	}{
		{Output{Stderr: "Error: unknown flag: --reason\nUsage: ...\n", ExitCode: 1}, "does not know --reason"},
		{Output{Stderr: "Error: key with address akash1x not found: key not found\n", ExitCode: 1}, "provider-services exited 1: Error: key with address akash1x not found: key not found"},
		{Output{Stdout: txJSON(0, "F", 5, "spendable balance 10uakt is smaller than 5000uakt: insufficient funds"), ExitCode: 0}, "the chain refused the transaction F (code 5, codespace sdk): spendable balance"},
		{Output{ExitCode: 137}, "provider-services exited 137: no output"},
	}
	for _, c := range cases {
		b, _ := broadcaster(&recorder{answers: []Output{c.out}})
		res := b.CloseBid(context.Background(), CloseBid{ID: lease, Reason: 10002})
		if res.Result != execute.Failed || !strings.Contains(res.Message, c.want) {
			t.Errorf("%+v -> %+v, want %q", c.out, res.Outcome, c.want)
		}
	}
	b, _ := broadcaster(&recorder{err: fmt.Errorf("exec in pod akash-services/akash-provider-0: container not found")})
	if res := b.CloseBid(context.Background(), CloseBid{ID: lease}); res.Result != execute.Failed || !strings.Contains(res.Message, "container not found") {
		t.Fatalf("transport error: %+v", res)
	}
}

// TestInterruptedBroadcastIsUnknown: a CLI run cut off by the context may
// already have broadcast, so the close is Unknown with the query to check,
// never a plain Failed that invites closing again.
func TestInterruptedBroadcastIsUnknown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	b, _ := broadcaster(&ctxRecorder{cancel: cancel})
	res := b.CloseBid(ctx, CloseBid{ID: lease})
	if res.Result != execute.Unknown || !strings.Contains(res.Message, "provider-services query market lease get --owner "+lease.Owner) {
		t.Fatalf("res %+v", res)
	}
}

// ctxRecorder is a runner whose run is cut off: it cancels the context and
// fails as an exec stream does.
type ctxRecorder struct{ cancel func() }

func (c *ctxRecorder) Run(ctx context.Context, _ []string) (Output, error) {
	c.cancel()
	return Output{}, fmt.Errorf("stream closed: %w", context.Canceled)
}

func (c *ctxRecorder) CommandLine(argv []string) string { return strings.Join(argv, " ") }

func TestCommitTimeout(t *testing.T) {
	r := &recorder{answers: []Output{{Stdout: txJSON(0, "SLOW", 0, "")}, {Stderr: "Error: tx (SLOW) not found", ExitCode: 1}}}
	b, _ := broadcaster(r)
	b.CommitTimeout = time.Nanosecond
	b.Sleep = func(context.Context, time.Duration) error { time.Sleep(time.Millisecond); return nil }
	res := b.CloseBid(context.Background(), CloseBid{ID: lease})
	if res.Result != execute.Unknown || !strings.Contains(res.Message, "broadcast as SLOW but not seen in a block") || !strings.Contains(res.Message, "provider-services query tx SLOW") {
		t.Fatalf("res %+v", res)
	}
}

func TestDryRuns(t *testing.T) {
	r := &recorder{}
	b := NewBroadcaster(r, cmdutil.DryRunClient)
	res := b.CloseBid(context.Background(), CloseBid{ID: lease, Reason: 10002})
	if res.Result != execute.DryRun || len(r.calls) != 0 || res.Message != "would run: rec "+strings.Join(CloseBid{ID: lease, Reason: 10002}.Argv(), " ") {
		t.Fatalf("client: %+v calls %d", res, len(r.calls))
	}
	r = &recorder{answers: []Output{{Stderr: "gas estimate: 88311\n"}}}
	b = NewBroadcaster(r, cmdutil.DryRunServer)
	res = b.CloseBid(context.Background(), CloseBid{ID: lease, Reason: 10002})
	if res.Result != execute.DryRun || len(r.calls) != 1 || !strings.Contains(res.Message, "gas estimate 88311") || !strings.Contains(strings.Join(r.calls[0], " "), "--dry-run --from "+provider) {
		t.Fatalf("server: %+v calls %v", res, r.calls)
	}
	r = &recorder{answers: []Output{{Stderr: "Error: rpc error: code = Unknown desc = reclamation window has not elapsed", ExitCode: 1}}}
	b = NewBroadcaster(r, cmdutil.DryRunServer)
	if res := b.CloseBid(context.Background(), CloseBid{ID: lease}); res.Result != execute.Failed || !strings.Contains(res.Message, "start-reclaim") {
		t.Fatalf("server refusal: %+v", res)
	}
}

func TestInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := &recorder{answers: []Output{{Stdout: txJSON(1, "A", 0, "")}}}
	b, _ := broadcaster(r)
	if res := b.CloseBid(ctx, CloseBid{ID: lease}); res.Result != execute.Skipped || len(r.calls) != 0 {
		t.Fatalf("res %+v calls %d", res, len(r.calls))
	}
}

func TestParseTxResponseYAML(t *testing.T) {
	// Without --output json the CLI prints YAML.
	out := "code: 0\ncodespace: \"\"\ndata: \"\"\nheight: \"5501\"\ninfo: \"\"\nraw_log: '[]'\ntxhash: 9F2C\n"
	r, ok := ParseTxResponse(out)
	if !ok || r.TxHash != "9F2C" || r.Height != 5501 || r.Code != 0 {
		t.Fatalf("%+v %v", r, ok)
	}
	if _, ok := ParseTxResponse("Error: something\n"); ok {
		t.Fatal("an error line is not a response")
	}
}

// TestLocalRunnerRunsARealProcess runs a stand-in provider-services script:
// arguments arrive intact, stdout/stderr/exit code come back.
func TestLocalRunnerRunsARealProcess(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "provider-services")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$@\" >>"+dir+"/calls\necho out\necho err >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := LocalRunner{Binary: script}
	out, err := r.Run(context.Background(), []string{"provider-services", "tx", "market", "bid", "close", "--owner", "a b"})
	if err != nil || out.ExitCode != 3 || out.Stdout != "out\n" || out.Stderr != "err\n" {
		t.Fatalf("out %+v err %v", out, err)
	}
	calls, _ := os.ReadFile(filepath.Join(dir, "calls"))
	if string(calls) != "tx market bid close --owner a b\n" {
		t.Fatalf("calls %q", calls)
	}
	if got := r.CommandLine([]string{"provider-services", "--owner", "a b", "it's"}); got != script+` --owner 'a b' 'it'\''s'` {
		t.Fatalf("command line %q", got)
	}
	if _, err := (LocalRunner{Binary: filepath.Join(dir, "missing")}).Run(context.Background(), []string{"x"}); err == nil {
		t.Fatal("a missing binary is an error")
	}
}

func pod(name string, phase corev1.PodPhase, ready bool, containers ...string) corev1.Pod {
	p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "akash-services"}, Status: corev1.PodStatus{Phase: phase}}
	for _, c := range containers {
		p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: c})
	}
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	}
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: st, Reason: map[bool]string{false: "ContainersNotReady"}[ready]}}
	return p
}

func TestSelectProviderPod(t *testing.T) {
	if _, err := SelectProviderPod(nil, "akash-services"); err == nil || !strings.Contains(err.Error(), "no akash-provider pod (label app=akash-provider) in namespace akash-services: nothing was attempted") {
		t.Fatalf("none: %v", err)
	}
	crash := pod("akash-provider-0", corev1.PodRunning, false, "provider")
	crash.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "provider", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}}}}
	_, err := SelectProviderPod([]corev1.Pod{crash}, "akash-services")
	if err == nil || !strings.Contains(err.Error(), "akash-provider-0 is not Ready (phase Running, ContainersNotReady, provider: CrashLoopBackOff)") || !strings.Contains(err.Error(), "nothing was attempted") {
		t.Fatalf("not ready: %v", err)
	}
	other := pod("akash-provider-1", corev1.PodRunning, true, "sidecar")
	if _, err := SelectProviderPod([]corev1.Pod{other}, "akash-services"); err == nil || !strings.Contains(err.Error(), `has no container "provider"`) {
		t.Fatalf("no container: %v", err)
	}
	good := pod("akash-provider-2", corev1.PodRunning, true, "provider")
	p, err := SelectProviderPod([]corev1.Pod{crash, other, good}, "akash-services")
	if err != nil || p.Name != "akash-provider-2" {
		t.Fatalf("want the Ready one: %v %v", p, err)
	}
}
