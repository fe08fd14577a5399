package e2e

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// These tests prove the mutation conventions against the real API server:
// preconditions, JSON-patch tests, dry run, RBAC and field ownership. Fakes
// ignore all of these, so nothing here uses one.

func newConfigMap(t *testing.T, c *cluster.Cluster, ns, name string) *corev1.ConfigMap {
	t.Helper()
	cm, err := c.Kube().CoreV1().ConfigMaps(ns).Create(t.Context(), &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: name}, Data: map[string]string{"v": "1"},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return cm
}

func cmTarget(cm *corev1.ConfigMap) execute.Target {
	return execute.Target{Version: "v1", Resource: "configmaps", Kind: "ConfigMap", Namespace: cm.Namespace, Name: cm.Name, UID: string(cm.UID), ResourceVersion: cm.ResourceVersion}
}

// engineUnderTest runs actions through the one executor, each action its
// own subject, as commands do.
type engineUnderTest struct{ e *execute.Engine }

func executor(c dynamic.Interface, dry cmdutil.DryRunStrategy) engineUnderTest {
	o := &execute.Options{DryRun: dry, FieldManager: execute.DefaultFieldManager}
	return engineUnderTest{o.NewEngine().Register(o.NewKube(c), execute.Delete, execute.Patch)}
}

// ApplyAll applies every action and returns how many failed.
func (x engineUnderTest) ApplyAll(ctx context.Context, actions []*execute.Action) int {
	p := &execute.Plan{}
	for _, a := range actions {
		p.Add(a.Target.String(), a)
	}
	return x.e.Run(ctx, p).Failed
}

// Apply applies one action.
func (x engineUnderTest) Apply(ctx context.Context, a *execute.Action) {
	x.ApplyAll(ctx, []*execute.Action{a})
}

func cmExists(t *testing.T, c *cluster.Cluster, ns, name string) *corev1.ConfigMap {
	t.Helper()
	cm, err := c.Kube().CoreV1().ConfigMaps(ns).Get(t.Context(), name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return cm
}

func TestDeleteRefusesAChangedObject(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	ns := c.Namespace(t, "exec")
	cm := newConfigMap(t, c, ns, "x")
	a := execute.NewDelete(cmTarget(cm)) // planned against this resourceVersion

	cm.Data["v"] = "someone else's change"
	if _, err := c.Kube().CoreV1().ConfigMaps(ns).Update(t.Context(), cm, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if failed := executor(c.Dynamic(), cmdutil.DryRunNone).ApplyAll(t.Context(), []*execute.Action{a}); failed != 1 || a.Result != execute.Conflict {
		t.Fatalf("failed=%d outcome=%+v", failed, a.Outcome)
	}
	if got := cmExists(t, c, ns, "x"); got == nil || got.Data["v"] != "someone else's change" {
		t.Fatalf("the changed object must survive: %+v", got)
	}

	fresh := execute.NewDelete(cmTarget(cmExists(t, c, ns, "x")))
	executor(c.Dynamic(), cmdutil.DryRunNone).Apply(t.Context(), fresh)
	if fresh.Result != execute.Succeeded || cmExists(t, c, ns, "x") != nil {
		t.Fatalf("a fresh plan must delete: %+v", fresh.Outcome)
	}
	again := execute.NewDelete(cmTarget(cm))
	executor(c.Dynamic(), cmdutil.DryRunNone).Apply(t.Context(), again)
	if again.Result != execute.NotFound || again.Result.Failure() {
		t.Fatalf("deleting a deleted object: %+v", again.Outcome)
	}
}

func TestDeleteRefusesARecreatedObject(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	ns := c.Namespace(t, "exec")
	old := newConfigMap(t, c, ns, "x")
	target := cmTarget(old)
	target.ResourceVersion = "" // UID alone must be enough
	a := execute.NewDelete(target)
	if err := c.Kube().CoreV1().ConfigMaps(ns).Delete(t.Context(), "x", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	replacement := newConfigMap(t, c, ns, "x")
	executor(c.Dynamic(), cmdutil.DryRunNone).Apply(t.Context(), a)
	if a.Result != execute.Conflict {
		t.Fatalf("outcome %+v", a.Outcome)
	}
	if got := cmExists(t, c, ns, "x"); got == nil || got.UID != replacement.UID {
		t.Fatal("the re-created object must survive")
	}
}

func TestDryRunDeletes(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	ns := c.Namespace(t, "exec")
	cfg, counter := c.CountingConfig()
	dyn := dynamic.NewForConfigOrDie(cfg)
	cm := newConfigMap(t, c, ns, "x")

	client := execute.NewDelete(cmTarget(cm))
	executor(dyn, cmdutil.DryRunClient).Apply(t.Context(), client)
	if client.Result != execute.DryRun || counter.Total() != 0 {
		t.Fatalf("client dry run: outcome %+v, requests %v", client.Outcome, counter)
	}

	server := execute.NewDelete(cmTarget(cm))
	executor(dyn, cmdutil.DryRunServer).Apply(t.Context(), server)
	if server.Result != execute.DryRun || counter.Count("DELETE configmaps") != 1 {
		t.Fatalf("server dry run: outcome %+v, requests %v", server.Outcome, counter)
	}
	if cmExists(t, c, ns, "x") == nil {
		t.Fatal("a server dry run must not delete")
	}

	// The server still checks preconditions in a dry run.
	stale := cmTarget(cm)
	stale.UID = "00000000-0000-0000-0000-000000000000"
	bad := execute.NewDelete(stale)
	executor(dyn, cmdutil.DryRunServer).Apply(t.Context(), bad)
	if bad.Result != execute.Conflict {
		t.Fatalf("server dry run with a wrong UID: %+v", bad.Outcome)
	}
}

func TestDeleteForbidden(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	ns := c.Namespace(t, "exec")
	cm := newConfigMap(t, c, ns, "x")
	viewer, err := clientcmd.BuildConfigFromFlags("", c.ViewerKubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	a := execute.NewDelete(cmTarget(cm))
	if failed := executor(dynamic.NewForConfigOrDie(viewer), cmdutil.DryRunNone).ApplyAll(t.Context(), []*execute.Action{a}); failed != 1 || a.Result != execute.Forbidden {
		t.Fatalf("failed=%d outcome %+v", failed, a.Outcome)
	}
	if cmExists(t, c, ns, "x") == nil {
		t.Fatal("a forbidden delete must not delete")
	}
}

// manifestPatch plans what `manifests heal` does: add a command to the
// service named web, guarded by a test that the index still holds web.
func manifestPatch(m *unstructured.Unstructured, index int) *execute.Action {
	return execute.NewPatch(execute.Target{
		Group: akash.Group, Version: akash.Version, Resource: "manifests", Kind: "Manifest",
		Namespace: m.GetNamespace(), Name: m.GetName(), UID: string(m.GetUID()), ResourceVersion: m.GetResourceVersion(),
	},
		execute.PatchOp{Op: "test", Path: "/spec/group/services/" + itoa(index) + "/name", Value: "web"},
		execute.PatchOp{Op: "add", Path: "/spec/group/services/" + itoa(index) + "/command", Value: []string{"/bin/web", "--serve"}},
	)
}

func itoa(i int) string { return string(rune('0' + i)) }

func serviceCommands(t *testing.T, dyn dynamic.Interface, ns, name string) map[string][]any {
	t.Helper()
	m, err := dyn.Resource(akash.ManifestGVR).Namespace(ns).Get(t.Context(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	svcs, _, _ := unstructured.NestedSlice(m.Object, "spec", "group", "services")
	out := map[string][]any{}
	for _, s := range svcs {
		sm := s.(map[string]any)
		cmd, _ := sm["command"].([]any)
		out[sm["name"].(string)] = cmd
	}
	return out
}

func TestPatchTestGuardsTheServiceIndex(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	l := fixture.NewLease(t.Name(), 77, fixture.Service{Name: "db", Image: "postgres", Count: 1, CPU: 100, Memory: 1 << 20}, fixture.Web("nginx"))
	seedLeases(t, c, leaseNS, []fixture.Lease{l}, []fixture.Options{{NoNamespace: true}})
	res := c.Dynamic().Resource(akash.ManifestGVR).Namespace(leaseNS)
	m, err := res.Get(t.Context(), l.Namespace(), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a := manifestPatch(m, 1) // web is at index 1 when planned

	// Someone else reorders the services: index 1 is now db.
	svcs, _, _ := unstructured.NestedSlice(m.Object, "spec", "group", "services")
	svcs[0], svcs[1] = svcs[1], svcs[0]
	_ = unstructured.SetNestedSlice(m.Object, svcs, "spec", "group", "services")
	if _, err := res.Update(t.Context(), m, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	executor(c.Dynamic(), cmdutil.DryRunNone).Apply(t.Context(), a)
	if a.Result != execute.Conflict {
		t.Fatalf("outcome %+v", a.Outcome)
	}
	if cmds := serviceCommands(t, c.Dynamic(), leaseNS, l.Namespace()); cmds["db"] != nil || cmds["web"] != nil {
		t.Fatalf("nothing may be written into the wrong service: %v", cmds)
	}

	// Server dry run of a fresh plan: accepted, not persisted.
	m, _ = res.Get(t.Context(), l.Namespace(), metav1.GetOptions{})
	dry := manifestPatch(m, 0)
	executor(c.Dynamic(), cmdutil.DryRunServer).Apply(t.Context(), dry)
	if dry.Result != execute.DryRun || serviceCommands(t, c.Dynamic(), leaseNS, l.Namespace())["web"] != nil {
		t.Fatalf("server dry run: %+v", dry.Outcome)
	}

	// A fresh plan lands on the right service and records the field manager.
	real := manifestPatch(m, 0)
	executor(c.Dynamic(), cmdutil.DryRunNone).Apply(t.Context(), real)
	cmds := serviceCommands(t, c.Dynamic(), leaseNS, l.Namespace())
	if real.Result != execute.Succeeded || len(cmds["web"]) != 2 || cmds["db"] != nil {
		t.Fatalf("outcome %+v, commands %v", real.Outcome, cmds)
	}
	m, _ = res.Get(t.Context(), l.Namespace(), metav1.GetOptions{})
	found := false
	for _, mf := range m.GetManagedFields() {
		found = found || mf.Manager == execute.DefaultFieldManager
	}
	if !found {
		t.Fatalf("managedFields lack %q: %+v", execute.DefaultFieldManager, m.GetManagedFields())
	}
}

func TestPatchRefusesARecreatedObject(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	l := fixture.NewLease(t.Name(), 78, fixture.Web("nginx"))
	seedLeases(t, c, leaseNS, []fixture.Lease{l}, []fixture.Options{{NoNamespace: true}})
	res := c.Dynamic().Resource(akash.ManifestGVR).Namespace(leaseNS)
	m, err := res.Get(t.Context(), l.Namespace(), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a := manifestPatch(m, 0)
	if err := res.Delete(t.Context(), m.GetName(), metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := res.Create(t.Context(), l.Manifest(leaseNS), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	executor(c.Dynamic(), cmdutil.DryRunNone).Apply(t.Context(), a)
	if a.Result != execute.Conflict || serviceCommands(t, c.Dynamic(), leaseNS, l.Namespace())["web"] != nil {
		t.Fatalf("outcome %+v", a.Outcome)
	}
}
