package zombies

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

// twoNodes: n1 holds a lease pod's worker (signalled) and a host process
// (never); n2 only a kube-system pod's worker (not a lease's); n3 failed.
func twoNodes() *List {
	lease := &Pod{UID: "u1", Namespace: "lease-ns", Name: "web-0", LeaseNamespace: true}
	system := &Pod{UID: "u2", Namespace: "kube-system", Name: "calico-x"}
	return NewList([]*Report{
		{Status: ReportStatus{Node: "n1", Parents: []Parent{
			{PID: 4711, Command: "app", StartTicks: 9, Zombies: 3, Pod: lease},
			{PID: 812, Command: "cron", StartTicks: 5, Zombies: 2},
		}}},
		{Status: ReportStatus{Node: "n2", Parents: []Parent{{PID: 99, Command: "bird", StartTicks: 7, Zombies: 4, Pod: system}}}},
		{Status: ReportStatus{Node: "n3", Error: "the debug pod did not start", Parents: []Parent{}}},
	})
}

// TestPlanKillOneActionPerNodeWithPlannedParents: the nodes where nothing
// may be signalled get no action; the question counts the planned zombies.
func TestPlanKillOneActionPerNodeWithPlannedParents(t *testing.T) {
	l := twoNodes()
	plan, question := PlanKill(l, KillOptions{Grace: time.Second})
	if len(plan.Groups) != 1 || plan.Groups[0].Subject != "node n1" || plan.Groups[0].Actions[0].Verb != VerbSignalParents {
		t.Fatalf("plan %+v", plan.Groups)
	}
	if question != "Signal the parents of 3 zombie(s) on 1 node(s)." {
		t.Fatalf("question %q", question)
	}
	if a := l.Items[1].Status.Parents[0].Action; a.Result != execute.Skipped || !strings.Contains(a.Message, "--namespace kube-system") {
		t.Fatalf("kube-system parent: %+v", a)
	}
	plan, question = PlanKill(twoNodes(), KillOptions{Grace: time.Second, Namespaces: []string{"kube-system"}})
	if len(plan.Groups) != 2 || question != "Signal the parents of 7 zombie(s) on 2 node(s)." {
		t.Fatalf("with -n kube-system: %d groups, %q", len(plan.Groups), question)
	}
}

// TestSignalApplierClientDryRunSendsNothing: the engine answers a client
// dry run through Rehearse; no agent runs (there are no clients here) and
// each planned parent says what would be sent.
func TestSignalApplierClientDryRunSendsNothing(t *testing.T) {
	l := twoNodes()
	k := KillOptions{Grace: time.Second}
	plan, _ := PlanKill(l, k)
	for _, dry := range []cmdutil.DryRunStrategy{cmdutil.DryRunClient, cmdutil.DryRunServer} {
		o := execute.NewOptions()
		o.DryRun = dry
		o.NewEngine().Register(&SignalApplier{Kill: k, PIDPressure: 90}, VerbSignalParents).Run(context.Background(), plan)
		if a := plan.Groups[0].Actions[0]; a.Result != execute.DryRun {
			t.Fatalf("%v: node action %s %q", dry, a.Result, a.Message)
		}
		if a := l.Items[0].Status.Parents[0].Action; a.Result != execute.DryRun || !strings.HasPrefix(a.Message, "would send SIGTERM, then SIGKILL") {
			t.Fatalf("%v: parent %s %q", dry, a.Result, a.Message)
		}
		if err := l.Exit(); err == nil {
			t.Fatal("a dry run clears nothing: the zombies remain findings")
		}
	}
}

// TestMergeTheAgentsKill: a node without an answer fails every planned
// parent with its error; an answer replaces the plan's report, named from
// the run's pods, keeping the plan's reasons for what it skipped.
func TestMergeTheAgentsKill(t *testing.T) {
	l := twoNodes()
	PlanKill(l, KillOptions{Grace: time.Second})
	plan := l.Items[0]
	r, failed := Merge(plan, &Report{Status: ReportStatus{Node: "n1", Error: "exec: connection reset"}}, nil, nil, 90)
	if r != plan || failed != 1 || plan.Status.Parents[0].Action.Result != execute.Failed ||
		plan.Status.Parents[0].Action.Message != "not signalled: exec: connection reset" || plan.Status.Parents[1].Action.Result != execute.Skipped {
		t.Fatalf("no answer: failed %d %+v", failed, plan.Status.Parents)
	}

	l = twoNodes()
	PlanKill(l, KillOptions{Grace: time.Second})
	plan = l.Items[0]
	done := &Report{Status: ReportStatus{Node: "n1", Tasks: 95, PIDMax: 100, Parents: []Parent{
		{PID: 4711, StartTicks: 9, Command: "app", Pod: &Pod{UID: "u1"}, Action: &execute.Action{Outcome: execute.Outcome{Result: execute.Succeeded}}},
		{PID: 812, StartTicks: 5, Command: "cron", Action: &execute.Action{Outcome: execute.Outcome{Result: execute.Skipped, Message: "not in the confirmed plan"}}},
	}}}
	pods := []corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Namespace: "lease-ns", Name: "web-0", UID: "u1"}}}
	namespaces := []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "lease-ns", Labels: map[string]string{"akash.network": "true"}}}}
	r, failed = Merge(plan, done, pods, namespaces, 90)
	if r != done || failed != 0 || !done.Status.PIDPressure {
		t.Fatalf("answer: failed %d, %+v", failed, done.Status)
	}
	if p := done.Status.Parents[0].Pod; p.Name != "web-0" || !p.LeaseNamespace {
		t.Errorf("named from the run's pods: %+v", p)
	}
	if a := done.Status.Parents[1].Action; !strings.Contains(a.Message, "not in a pod's cgroup") {
		t.Errorf("the plan's reason is kept: %q", a.Message)
	}
}

// TestSpecReadsOnceWhatNamesTheParents: one read of pods and lease
// namespaces, narrowed to the nodes with parents in pods; none when no
// parent is in a pod; every node's pods with --local.
func TestSpecReadsOnceWhatNamesTheParents(t *testing.T) {
	l := twoNodes()
	spec, need := Spec(l.Items, false, 500)
	if !need || !spec.AllPods || !spec.LeaseNamespaces || spec.ChunkSize != 500 || strings.Join(spec.PodNodes, ",") != "n1,n2" {
		t.Fatalf("%+v", spec)
	}
	if spec, need = Spec(l.Items, true, 0); !need || spec.PodNodes != nil {
		t.Fatalf("--local: %+v", spec)
	}
	if _, need = Spec([]*Report{{Status: ReportStatus{Node: "n1", Parents: []Parent{{PID: 5}}}}}, false, 0); need {
		t.Fatal("host processes only: nothing to read")
	}
}
