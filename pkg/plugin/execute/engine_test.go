package execute

import (
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// recorder is an applier that records what it applied and fails the
// actions named in fail.
type recorder struct {
	applied []string
	fail    map[string]Result
	onApply func(name string)
}

func (r *recorder) Apply(_ context.Context, a *Action, _ cmdutil.DryRunStrategy) Outcome {
	r.applied = append(r.applied, a.Target.Name)
	if r.onApply != nil {
		r.onApply(a.Target.Name)
	}
	if res, ok := r.fail[a.Target.Name]; ok {
		return Outcome{Result: res, Message: "boom"}
	}
	return Outcome{Result: Succeeded}
}

func del(name string) *Action { return NewDelete(Target{Resource: "things", Name: name}) }

func TestFailureStopsOnlyItsGroup(t *testing.T) {
	r := &recorder{fail: map[string]Result{"a2": Conflict}}
	e := (&Options{}).NewEngine().Register(r, Delete)
	p := &Plan{}
	a1, a2, a3 := del("a1"), del("a2"), del("a3")
	b1, b2 := del("b1"), del("b2")
	p.Add("lease A", a1, a2, a3)
	p.Add("lease B", b1, b2)
	rep := e.Run(context.Background(), p)
	if strings.Join(r.applied, ",") != "a1,a2,b1,b2" {
		t.Fatalf("applied %v: after a2 failed a3 must not run, group B must", r.applied)
	}
	if a3.Result != Skipped || a3.Message != "not run: an earlier step of this lease A failed" {
		t.Fatalf("a3: %+v", a3.Outcome)
	}
	if rep.Failed != 1 || rep.Done != 3 || rep.Interrupted {
		t.Fatalf("report %+v", rep)
	}
}

func TestFailedGateSkipsEverythingAfter(t *testing.T) {
	r := &recorder{}
	e := (&Options{}).NewEngine().Register(r, Delete)
	e.Register(Local{}, Backup)
	p := &Plan{}
	backup := NewBackup("backup.yaml", func(context.Context) (string, error) { return "", context.DeadlineExceeded })
	p.Add("backup", backup).Gate = true
	d := del("x")
	p.Add("lease A", d)
	e.Run(context.Background(), p)
	if backup.Result != Failed || d.Result != Skipped || len(r.applied) != 0 {
		t.Fatalf("a failed backup must stop every delete: backup %+v, delete %+v, applied %v", backup.Outcome, d.Outcome, r.applied)
	}
	if !strings.Contains(d.Message, "backup did not succeed") {
		t.Fatalf("message %q", d.Message)
	}
}

func TestWhenSkipsAGroup(t *testing.T) {
	r := &recorder{fail: map[string]Result{"patch": Conflict}}
	e := (&Options{}).NewEngine().Register(r, Delete)
	p := &Plan{}
	patch := del("patch")
	p.Add("service web", patch)
	restart := del("provider-0")
	p.Add("provider", restart).When = func() (bool, string) {
		return patch.Result == Succeeded, "no Manifest was patched"
	}
	e.Run(context.Background(), p)
	if restart.Result != Skipped || restart.Message != "no Manifest was patched" {
		t.Fatalf("restart: %+v", restart.Outcome)
	}
}

func TestInterruptStartsNothingNew(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := &recorder{onApply: func(name string) {
		if name == "a1" {
			cancel() // Ctrl-C while a1 runs
		}
	}}
	e := (&Options{}).NewEngine().Register(r, Delete)
	p := &Plan{}
	a1, a2, b1 := del("a1"), del("a2"), del("b1")
	p.Add("lease A", a1, a2)
	p.Add("lease B", b1)
	rep := e.Run(ctx, p)
	if a1.Result != Succeeded {
		t.Fatalf("the running action finishes: %+v", a1.Outcome)
	}
	if a2.Result != Skipped || b1.Result != Skipped || len(r.applied) != 1 {
		t.Fatalf("nothing new starts after the interrupt: a2 %+v b1 %+v applied %v", a2.Outcome, b1.Outcome, r.applied)
	}
	if !rep.Interrupted || rep.NotStarted != 2 || rep.Done != 1 {
		t.Fatalf("report %+v", rep)
	}
}

func TestPrecheckOutcomeReplacesTheAction(t *testing.T) {
	r := &recorder{}
	e := (&Options{}).NewEngine().Register(r, Delete)
	a := del("x")
	a.Precheck = func(context.Context) *Outcome {
		return &Outcome{Result: Skipped, Message: "the lease has a namespace now"}
	}
	p := &Plan{}
	p.Add("lease", a)
	e.Run(context.Background(), p)
	if len(r.applied) != 0 || a.Message != "the lease has a namespace now" {
		t.Fatalf("a precheck's outcome must replace the action: %+v applied %v", a.Outcome, r.applied)
	}
}

func TestNamespaceGuard(t *testing.T) {
	id := akash.LeaseID{Owner: "akash1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3c9h", DSeq: 8438017, GSeq: 1, OSeq: 1, Provider: "akash1nxq8gmsw2vlz3m68qvyvcf3kh6q269ajvqw6y0"}
	other := id
	other.DSeq++
	ns := func(name string, labels map[string]string) runtime.Object {
		u := &unstructured.Unstructured{}
		u.SetAPIVersion("v1")
		u.SetKind("Namespace")
		u.SetName(name)
		u.SetLabels(labels)
		return u
	}
	leaseLabels := map[string]string(akash.LeaseLabels(id))
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(),
		map[schema.GroupVersionResource]string{{Version: "v1", Resource: "namespaces"}: "NamespaceList"},
		ns(id.Namespace(), leaseLabels), ns("kube-system", leaseLabels), ns("akash-services", leaseLabels),
		ns(other.Namespace(), nil))
	k := &Kube{Client: client, Protected: []string{"lease", "akash-services"}}
	cases := []struct {
		name  string
		lease *akash.LeaseID
		want  Result
	}{
		{id.Namespace(), &id, Succeeded},
		{"kube-system", &id, Refused},
		{"default", &id, Refused},
		{"akash-services", &id, Refused},
		{"lease", &id, Refused},
		{id.Namespace(), nil, Refused},
		{id.Namespace(), &other, Refused},    // a lease that does not hash to this name
		{other.Namespace(), &other, Refused}, // the right name, but no lease labels
	}
	for _, c := range cases {
		a := NewDelete(Target{Version: "v1", Resource: "namespaces", Kind: "Namespace", Name: c.name})
		a.Lease = c.lease
		if got := k.Apply(context.Background(), a, cmdutil.DryRunNone); got.Result != c.want {
			t.Errorf("delete namespace %s for lease %v: %s (%s), want %s", c.name, c.lease, got.Result, got.Message, c.want)
		}
	}
}

// TestAFailureFromPlanningStopsItsGroup: a step that already failed when
// the plan was made (a node's restore) stops the rest of its group too.
func TestAFailureFromPlanningStopsItsGroup(t *testing.T) {
	r := &recorder{}
	e := (&Options{}).NewEngine().Register(r, Delete)
	pre := del("restore")
	pre.Outcome = Outcome{Result: Failed, Message: "lock held"}
	next := del("next")
	p := &Plan{}
	p.Add("node cp-1", pre, next)
	e.Run(context.Background(), p)
	if len(r.applied) != 0 || next.Result != Skipped {
		t.Fatalf("applied %v, next %+v", r.applied, next.Outcome)
	}
}
