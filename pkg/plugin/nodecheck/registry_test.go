package nodecheck

import (
	"context"
	"encoding/json"
	"io"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
)

func TestSelect(t *testing.T) {
	all := All()
	if len(all) == 0 {
		t.Fatal("no check registered")
	}
	got, err := Select(nil, nil)
	if err != nil || len(got) != len(all) {
		t.Fatalf("Select(nil, nil) = %d checks, %v; want all %d", len(got), err, len(all))
	}
	got, err = Select([]string{"zombies"}, nil)
	if err != nil || len(got) != 1 || got[0].Name != "zombies" {
		t.Fatalf("Select(zombies) = %v, %v", got, err)
	}
	if _, err := Select([]string{"zombies"}, []string{"zombies"}); err == nil || !strings.Contains(err.Error(), "no node check left") {
		t.Fatalf("only and skip the same check: %v", err)
	}
	_, err = Select([]string{"zombies", "nosuch"}, []string{"other"})
	if err == nil || !strings.Contains(err.Error(), "nosuch, other") || !strings.Contains(err.Error(), "zombies") {
		t.Fatalf("unknown names: %v", err)
	}
	if strings.Count(err.Error(), "\n") != 0 {
		t.Fatalf("the error is not one sentence: %q", err)
	}
}

// A check that panics or errs is its own result; the others still run.
func TestRunIsolatesChecks(t *testing.T) {
	checks := []Check{
		{Name: "boom", Run: func(context.Context, agent.Env, Options) Result { panic("bad input") }},
		{Name: "na", Applies: func(agent.Env) (bool, string) { return false, "no GPU" },
			Run: func(context.Context, agent.Env, Options) Result {
				t.Fatal("ran a check that does not apply")
				return Result{}
			}},
		{Name: "found", Run: func(context.Context, agent.Env, Options) Result {
			return Result{Findings: []Finding{{Code: "NC999", Severity: SeverityWarning, Message: "x"}}}
		}},
		{Name: "info", Run: func(context.Context, agent.Env, Options) Result {
			return Result{Findings: []Finding{{Code: "NC998", Severity: SeverityInfo, Message: "y"}}}
		}},
	}
	rep := runChecks(context.Background(), agent.Env{NodeName: "n1"}, checks, Options{})
	want := []string{StatusError, StatusNotApplicable, StatusFindings, StatusOK}
	for i, r := range rep.Results {
		if r.Status != want[i] || r.Check != checks[i].Name {
			t.Errorf("result %d = %s %s (%s), want %s %s", i, r.Check, r.Status, r.Reason, checks[i].Name, want[i])
		}
	}
	if f := rep.Results[2].Findings[0]; f.Check != "found" || f.Node != "n1" {
		t.Errorf("finding not stamped: %+v", f)
	}
	if !strings.Contains(rep.Results[0].Reason, "bad input") || rep.Results[1].Reason != "no GPU" {
		t.Errorf("reasons: %q, %q", rep.Results[0].Reason, rep.Results[1].Reason)
	}
	if rep.Worst() != SeverityError {
		t.Errorf("worst = %s", rep.Worst())
	}
}

// TestAgentRoundTrip: the options survive the agent's command line as
// the agent parses it; decoding refuses another report and names the node.
func TestAgentRoundTrip(t *testing.T) {
	req := Request{Only: []string{"pids", "memcg"}, Skip: []string{"zombies"},
		Options: Options{PIDPressure: 80, PodsKnown: true, PodUIDs: []string{"a"}, Kubelet: &KubeletSettings{Source: "configz"}}}
	argv := Agent.Argv(req)
	fs := pflag.NewFlagSet("checks", pflag.ContinueOnError)
	run := Agent.Bind(fs)
	var options, root string
	fs.StringVar(&options, agent.OptionsFlag, "", "")
	fs.StringVar(&root, "host-root", "", "")
	fs.StringVar(&root, "proc-root", "", "")
	if err := fs.Parse(argv[3:]); err != nil {
		t.Fatal(err)
	}
	var back Request
	if err := json.Unmarshal([]byte(options), &back); err != nil || !reflect.DeepEqual(back, req) {
		t.Fatalf("the request did not survive the argv: %+v %v", back, err)
	}
	if _, err := run(context.Background(), agent.Env{}, `{"only":["no-such-check"]}`, io.Discard); err == nil {
		t.Fatal("an unknown check ran")
	}
	if _, err := decode(nodedebug.NodeResult{Node: "n", Stdout: []byte(`{"kind":"NodeZombies"}`)}); err == nil {
		t.Fatal("a report of another kind was decoded")
	}
	rep, err := decode(nodedebug.NodeResult{Node: "n", Stdout: []byte(`{"node":"x","results":[{"check":"pids","status":"ok","findings":[{"code":"NC201","severity":"error","message":"m"}]}]}`)})
	if err != nil || rep.Node != "n" || rep.Results[0].Status != StatusFindings || rep.Results[0].Findings[0].Node != "n" {
		t.Fatalf("decode = %+v, %v", rep, err)
	}
}

func TestAttribute(t *testing.T) {
	pods := []corev1.Pod{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "lease-ns", Name: "web-0", UID: types.UID("11111111-2222-3333-4444-555555555555")}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "etcd-n1", UID: "api-uid",
			Annotations: map[string]string{"kubernetes.io/config.mirror": "0123456789abcdef0123456789abcdef"}}},
	}
	nss := []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "lease-ns", Labels: map[string]string{
		"akash.network": "true", "akash.network/lease.id.owner": "akash1owner", "akash.network/lease.id.dseq": "42",
		"akash.network/lease.id.gseq": "1", "akash.network/lease.id.oseq": "1", "akash.network/lease.id.provider": "akash1prov"}}}}
	reps := []Report{{Node: "n1", Results: []Result{{Check: "pids",
		Findings: []Finding{{PodUID: "11111111-2222-3333-4444-555555555555"}, {PodUID: "0123456789abcdef0123456789abcdef"}, {PodUID: "gone"}},
		Metrics:  []Metric{{Name: "m", Labels: map[string]string{"pod_uid": "11111111-2222-3333-4444-555555555555"}}}}}}}
	Attribute(reps, pods, nss)
	f := reps[0].Results[0].Findings
	if f[0].Pod != "web-0" || f[0].Owner != "akash1owner" || f[0].DSeq != "42" || f[0].Lease == "" {
		t.Errorf("lease pod: %+v", f[0])
	}
	if f[1].Pod != "etcd-n1" || f[1].Lease != "" {
		t.Errorf("static pod: %+v", f[1])
	}
	if f[2].Pod != "" {
		t.Errorf("unknown UID named: %+v", f[2])
	}
	if l := reps[0].Results[0].Metrics[0].Labels; l["owner"] != "akash1owner" || l["pod"] != "web-0" {
		t.Errorf("metric labels: %v", l)
	}
}

func TestPodUIDsByNode(t *testing.T) {
	got := podUIDsByNode([]corev1.Pod{
		{ObjectMeta: metav1.ObjectMeta{UID: "a"}, Spec: corev1.PodSpec{NodeName: "n1"}},
		{ObjectMeta: metav1.ObjectMeta{UID: "b", Annotations: map[string]string{"kubernetes.io/config.mirror": "hash"}}, Spec: corev1.PodSpec{NodeName: "n1"}},
		{ObjectMeta: metav1.ObjectMeta{UID: "c"}, Spec: corev1.PodSpec{NodeName: "n2"}},
		{ObjectMeta: metav1.ObjectMeta{UID: "pending"}},
	})
	n1 := append([]string(nil), got["n1"]...)
	sort.Strings(n1)
	if strings.Join(n1, ",") != "a,b,hash" || strings.Join(got["n2"], ",") != "c" || len(got) != 2 {
		t.Errorf("got %v", got)
	}
}
