package e2e

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// beforeFirstPatch runs hook once, just before the first PATCH of a
// Manifest leaves the client: the window between plan and patch in which
// someone else may change the object.
type beforeFirstPatch struct {
	next http.RoundTripper
	once *sync.Once
	hook func()
}

func (b *beforeFirstPatch) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPatch && strings.Contains(r.URL.Path, "/manifests/") {
		b.once.Do(b.hook)
	}
	return b.next.RoundTrip(r)
}

// lostStatefulSetLease seeds a lease whose Manifest lacks the command of
// the stateful services it names, and their StatefulSets with it.
func lostStatefulSetLease(t *testing.T, c *cluster.Cluster, leaseNS, name string, dseq uint64, stateful ...string) fixture.Lease {
	t.Helper()
	svcs := []fixture.Service{{Name: "cache", Image: "redis:7", Count: 0, CPU: 10, Memory: 1 << 20}}
	for _, s := range stateful {
		svcs = append(svcs, fixture.Service{Name: s, Image: "ghcr.io/acme/" + s + ":3", Count: 0, CPU: 10, Memory: 1 << 20, Stateful: true})
	}
	l := fixture.NewLease(t.Name()+"/"+name, dseq, svcs...)
	seedLeases(t, c, leaseNS, []fixture.Lease{l}, []fixture.Options{{NoWorkloads: true}})
	for _, s := range svcs[1:] {
		st := l.StatefulSet(withCommand(s, "/bin/"+s.Name, "-q"))
		if _, err := c.Kube().AppsV1().StatefulSets(l.Namespace()).Create(t.Context(), st, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

// changeManifest changes a Manifest the way another writer would.
func changeManifest(c *cluster.Cluster, leaseNS, name string, change func(*unstructured.Unstructured)) error {
	res := c.Dynamic().Resource(akash.ManifestGVR).Namespace(leaseNS)
	ctx := context.Background()
	m, err := res.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	change(m)
	_, err = res.Update(ctx, m, metav1.UpdateOptions{})
	return err
}

func setCommand(index int, cmd ...string) func(*unstructured.Unstructured) {
	return func(m *unstructured.Unstructured) {
		svcs, _, _ := unstructured.NestedSlice(m.Object, "spec", "group", "services")
		svcs[index].(map[string]any)["command"] = toAnySlice(cmd)
		_ = unstructured.SetNestedSlice(m.Object, svcs, "spec", "group", "services")
	}
}

func toAnySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// TestManifestsHealRefusesAChangedManifest changes the Manifest between
// heal's plan and its patch, as a concurrent writer (the provider, another
// operator) would: the patch must come back Conflict and write nothing.
func TestManifestsHealRefusesAChangedManifest(t *testing.T) {
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	heal := func(l fixture.Lease, hook func(), args ...string) result {
		o := runOpts{}
		if hook != nil {
			cfg := c.RESTConfig()
			once := &sync.Once{}
			cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
				return &beforeFirstPatch{next: rt, once: once, hook: hook}
			}
			o.config = cfg
		}
		base := []string{"manifests", "heal", "-n", l.Namespace(), "--lease-namespace", leaseNS, "--backup-dir", t.TempDir()}
		return kubectlAkash(t, c, o, append(base, args...)...)
	}

	t.Run("an unrelated change to the Manifest", func(t *testing.T) {
		l := lostStatefulSetLease(t, c, leaseNS, "unrelated", 7101, "worker")
		var hookErr error
		r := heal(l, func() {
			hookErr = changeManifest(c, leaseNS, l.Namespace(), func(m *unstructured.Unstructured) {
				m.SetAnnotations(map[string]string{"example.com/touched": "by someone else"})
			})
		}, "--yes", "-o", "json")
		if hookErr != nil {
			t.Fatal(hookErr)
		}
		a := lostList(t, r.stdout)[l.Namespace()+"/worker"].Status.Actions
		if r.code != 1 || len(a) != 1 || a[0].Result != execute.Conflict {
			t.Fatalf("a Manifest changed since the plan must not be patched: exit %d %+v\n%s", r.code, a, r.stderr)
		}
		if got := strings.Join(manifestCommands(t, c, leaseNS, l.Namespace()), ";"); got != "cache=;worker=" {
			t.Fatalf("the Manifest was written: %s", got)
		}
		// Planned afresh, the same heal applies: the test that the command
		// is absent passes on the real API server when it is absent.
		r = heal(l, nil, "--yes", "-o", "json").ok(t)
		if got := strings.Join(manifestCommands(t, c, leaseNS, l.Namespace()), ";"); got != "cache=;worker=/bin/worker -q" {
			t.Fatalf("a fresh heal must apply: %s\n%s", got, r.stdout)
		}
	})

	t.Run("someone puts a command in first", func(t *testing.T) {
		l := lostStatefulSetLease(t, c, leaseNS, "raced", 7102, "worker")
		plan := lostList(t, heal(l, nil, "--dry-run=client", "-o", "json").ok(t).stdout)[l.Namespace()+"/worker"]
		if len(plan.Status.Actions) != 1 {
			t.Fatalf("plan %+v", plan.Status)
		}
		var hookErr error
		r := heal(l, func() { hookErr = changeManifest(c, leaseNS, l.Namespace(), setCommand(1, "/bin/other")) }, "--yes", "-o", "json")
		if hookErr != nil {
			t.Fatal(hookErr)
		}
		a := lostList(t, r.stdout)[l.Namespace()+"/worker"].Status.Actions
		if r.code != 1 || len(a) != 1 || a[0].Result != execute.Conflict {
			t.Fatalf("exit %d %+v\n%s", r.code, a, r.stderr)
		}
		if got := strings.Join(manifestCommands(t, c, leaseNS, l.Namespace()), ";"); got != "cache=;worker=/bin/other" {
			t.Fatalf("the other writer's command was overwritten: %s", got)
		}

		// The absence test on its own: the dry run's patch, with its
		// resourceVersion test brought up to date, still does not apply
		// over a command that is now there.
		m, err := c.Dynamic().Resource(akash.ManifestGVR).Namespace(leaseNS).Get(t.Context(), l.Namespace(), metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		p := plan.Status.Actions[0]
		testsAbsence := false
		for i, op := range p.Patch {
			switch {
			case op.Op == "test" && op.Path == "/metadata/resourceVersion":
				p.Patch[i].Value = m.GetResourceVersion()
			case op.Op == "test" && op.Path == "/spec/group/services/1/command":
				testsAbsence = true
			}
		}
		if !testsAbsence {
			t.Fatalf("the patch does not test that the command is still absent: %+v", p.Patch)
		}
		p.Outcome = execute.Outcome{Result: execute.Planned}
		if failed := executor(c.Dynamic(), cmdutil.DryRunNone).ApplyAll(t.Context(), []*execute.Action{p}); failed != 1 || p.Result != execute.Conflict {
			t.Fatalf("failed=%d %+v", failed, p.Outcome)
		}
		if got := strings.Join(manifestCommands(t, c, leaseNS, l.Namespace()), ";"); got != "cache=;worker=/bin/other" {
			t.Fatalf("overwritten: %s", got)
		}
	})

	t.Run("two services of one Manifest are healed in one patch", func(t *testing.T) {
		l := lostStatefulSetLease(t, c, leaseNS, "two", 7103, "worker", "queue")
		r := heal(l, nil, "--yes", "-o", "json").ok(t)
		got := lostList(t, r.stdout)
		for _, svc := range []string{"worker", "queue"} {
			if a := got[l.Namespace()+"/"+svc].Status.Actions; len(a) != 1 || a[0].Result != execute.Succeeded {
				t.Errorf("%s: %+v", svc, a)
			}
		}
		if m := strings.Join(manifestCommands(t, c, leaseNS, l.Namespace()), ";"); m != "cache=;worker=/bin/worker -q;queue=/bin/queue -q" {
			t.Fatalf("Manifest %s", m)
		}
	})
}
