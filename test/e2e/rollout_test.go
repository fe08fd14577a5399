package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/rollout"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// ownedReplicaSets returns the ReplicaSets a Deployment owns, by UID.
func ownedReplicaSets(t *testing.T, c *cluster.Cluster, ns, deployment string) map[types.UID]appsv1.ReplicaSet {
	t.Helper()
	d, err := c.Kube().AppsV1().Deployments(ns).Get(t.Context(), deployment, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := c.Kube().AppsV1().ReplicaSets(ns).List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[types.UID]appsv1.ReplicaSet{}
	for _, rs := range l.Items {
		if ref := metav1.GetControllerOf(&rs); ref != nil && ref.UID == d.UID {
			out[rs.UID] = rs
		}
	}
	return out
}

// updateDeployment changes a Deployment the way a tenant's update does,
// retrying when the controller updated it in between.
func updateDeployment(t *testing.T, c *cluster.Cluster, ns, name string, change func(*appsv1.Deployment)) {
	t.Helper()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		d, err := c.Kube().AppsV1().Deployments(ns).Get(t.Context(), name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		change(d)
		_, err = c.Kube().AppsV1().Deployments(ns).Update(t.Context(), d, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func stuckList(t *testing.T, out string) map[string]rollout.StuckRollout {
	t.Helper()
	m := map[string]rollout.StuckRollout{}
	for _, it := range listItems[rollout.StuckRollout](t, "StuckRolloutList", out, "") {
		m[it.Namespace+"/"+it.Name] = it
	}
	return m
}

func selectorOf(l fixture.Lease, svc string) string {
	return akash.LabelManifestService + "=" + svc
}

// TestForceNewRepairsOnlyTheStuckDeployment builds the runbook's situation
// for real: a two-service lease on a full node, one service updated. The new
// pod cannot schedule; force-new must delete that Deployment's old
// ReplicaSet and leave the sibling service alone (the runbook deletes the
// sibling's current ReplicaSet too, restarting it).
func TestForceNewRepairsOnlyTheStuckDeployment(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	node := dedicatedNode(t, c, "2")
	web := fixture.Service{Name: "web", Image: "nginx:1.25", Count: 1, CPU: 1000, Memory: 64 << 20}
	api := fixture.Service{Name: "api", Image: "ghcr.io/acme/api:1", Count: 1, CPU: 500, Memory: 64 << 20}
	l := fixture.NewLease(t.Name(), 5550001, web, api)
	seedLeases(t, c, c.Namespace(t, "lease"), []fixture.Lease{l}, []fixture.Options{{Legacy: true, Node: node}})
	ns := l.Namespace()
	apiPod := waitRunning(t, c, ns, selectorOf(l, "api"), 1)[0]
	waitRunning(t, c, ns, selectorOf(l, "web"), 1)
	apiRS := ownedReplicaSets(t, c, ns, "api")
	oldWebRS := ownedReplicaSets(t, c, ns, "web")

	updateDeployment(t, c, ns, "web", func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "nginx:1.27" })
	stuckPod := waitUnschedulable(t, c, ns, selectorOf(l, "web"))

	run := func(args ...string) result {
		return kubectlAkash(t, c, runOpts{}, append([]string{"replicasets", "force-new", "-n", ns}, args...)...)
	}

	// Default --min-age (2m): the update is too young, nothing is done.
	young := stuckList(t, run("--dry-run=client", "-o", "json").ok(t).stdout)[ns+"/web"]
	if len(young.Status.Actions) != 1 || young.Status.Actions[0].Result != execute.Skipped || !strings.Contains(young.Status.Actions[0].Message, "--min-age") {
		t.Fatalf("a fresh update must be skipped: %+v", young.Status)
	}

	// The plan: exactly web's old ReplicaSet, for the scheduler's reason.
	plan := stuckList(t, run("--dry-run=client", "--min-age=0", "-o", "json").ok(t).stdout)
	if len(plan) != 1 {
		t.Fatalf("want only web, got %v", plan)
	}
	got := plan[ns+"/web"]
	if len(got.Status.Actions) != 1 || !hasUID(oldWebRS, got.Status.Actions[0].Target.UID) || got.Status.Actions[0].Result != execute.DryRun {
		t.Fatalf("plan must delete web's old ReplicaSet only: %+v", got.Status.Actions)
	}
	if !strings.Contains(got.Spec.Reason, "Insufficient cpu") || got.Spec.Pod != stuckPod.Name || got.Spec.LeaseID == nil || *got.Spec.LeaseID != l.ID || got.Spec.RolloutStatus == "" {
		t.Fatalf("spec %+v", got.Spec)
	}

	// No terminal and no --yes: the plan is printed and nothing happens.
	r := run("--min-age=0")
	if r.code != 1 || !strings.Contains(r.stderr, "pass --yes") || !strings.Contains(r.stdout, "Plan:") || !strings.Contains(r.stdout, "Insufficient cpu") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// A server dry run is validated by the API server and changes nothing.
	dry := stuckList(t, run("--dry-run=server", "--min-age=0", "-o", "json").ok(t).stdout)[ns+"/web"]
	if dry.Status.Actions[0].Result != execute.DryRun {
		t.Fatalf("server dry run: %+v", dry.Status.Actions[0])
	}
	for uid := range oldWebRS {
		if _, err := c.Kube().AppsV1().ReplicaSets(ns).Get(t.Context(), oldWebRS[uid].Name, metav1.GetOptions{}); err != nil {
			t.Fatalf("dry runs must not delete: %v", err)
		}
	}

	// The repair, counting what it costs.
	cfg, counter := c.CountingConfig()
	r = kubectlAkash(t, c, runOpts{config: cfg}, "replicasets", "force-new", "-n", ns, "--min-age=0", "--yes")
	r.ok(t)
	if !strings.Contains(r.stdout, "Succeeded") {
		t.Fatalf("outcome missing:\n%s", r.stdout)
	}
	// The scheduler's reason is on the pod's condition, so events are not read.
	for _, k := range []string{"LIST deployments", "LIST replicasets", "LIST pods", "LIST namespaces", "DELETE replicasets"} {
		if counter.Count(k) != 1 {
			t.Errorf("%s: %d requests, want 1 (all: %v)", k, counter.Count(k), counter)
		}
	}
	if counter.Total() != 5 {
		t.Errorf("want 5 requests in all, got %v", counter)
	}

	// The new web pod schedules; api never restarted and keeps its ReplicaSet.
	newWeb := waitRunning(t, c, ns, selectorOf(l, "web"), 1)[0]
	if newWeb.Spec.Containers[0].Image != "nginx:1.27" {
		t.Fatalf("web runs %s", newWeb.Spec.Containers[0].Image)
	}
	if pods := waitRunning(t, c, ns, selectorOf(l, "api"), 1); pods[0].UID != apiPod.UID {
		t.Fatalf("the sibling service was restarted: pod %s became %s", apiPod.UID, pods[0].UID)
	}
	if now := ownedReplicaSets(t, c, ns, "api"); len(now) != len(apiRS) {
		t.Fatalf("the sibling's ReplicaSets changed: %d -> %d", len(apiRS), len(now))
	}
	for uid, rs := range oldWebRS {
		if _, err := c.Kube().AppsV1().ReplicaSets(ns).Get(t.Context(), rs.Name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Fatalf("web's old ReplicaSet %s (%s) must be gone: %v", rs.Name, uid, err)
		}
	}

	// Healthy again: nothing left to do.
	if r := run("--min-age=0").ok(t); !strings.Contains(r.stderr, "No stuck rollouts found.") {
		t.Fatalf("%q", r.stderr)
	}
}

// TestForceNewClusterWideFindsTheStuckLeaseAmongOthers: without -n,
// force-new reads every lease's workloads but decodes and keeps only those
// of the namespaces with a Pending pod. What must not happen: the stuck
// lease lost among the others, an old ReplicaSet of it left out of the plan,
// or anything planned in the healthy lease beside it, whose own update is
// running through (its pods leave Pending as they schedule).
func TestForceNewClusterWideFindsTheStuckLeaseAmongOthers(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	node := dedicatedNode(t, c, "2500m")
	web := fixture.Service{Name: "web", Image: "nginx:1.25", Count: 1, CPU: 1000, Memory: 64 << 20}
	api := fixture.Service{Name: "api", Image: "ghcr.io/acme/api:1", Count: 1, CPU: 500, Memory: 64 << 20}
	stuck := fixture.NewLease(t.Name()+"-stuck", 5560001, web, api)
	healthy := fixture.NewLease(t.Name()+"-healthy", 5560002, api)
	seedLeases(t, c, c.Namespace(t, "lease"), []fixture.Lease{stuck, healthy}, []fixture.Options{{Legacy: true, Node: node}, {Legacy: true, Node: node}})
	for _, l := range []fixture.Lease{stuck, healthy} {
		waitRunning(t, c, l.Namespace(), selectorOf(l, "api"), 1)
	}
	waitRunning(t, c, stuck.Namespace(), selectorOf(stuck, "web"), 1)
	oldWebRS := ownedReplicaSets(t, c, stuck.Namespace(), "web")

	// 2 of 2.5 CPUs are taken: a second web pod (1 CPU) cannot schedule
	// beside the first, a second api pod (0.5) can.
	updateDeployment(t, c, stuck.Namespace(), "web", func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "nginx:1.27" })
	updateDeployment(t, c, healthy.Namespace(), "api", func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "ghcr.io/acme/api:2" })
	waitUnschedulable(t, c, stuck.Namespace(), selectorOf(stuck, "web"))

	both := fmt.Sprintf("%s in (%s,%s)", akash.LabelNamespace, stuck.Namespace(), healthy.Namespace())
	plan := stuckList(t, kubectlAkash(t, c, runOpts{}, "replicasets", "force-new", "-l", both, "--dry-run=client", "--min-age=0", "-o", "json").ok(t).stdout)
	got, ok := plan[stuck.Namespace()+"/web"]
	if len(plan) != 1 || !ok {
		t.Fatalf("want %s/web alone, got %v", stuck.Namespace(), plan)
	}
	if len(got.Status.Actions) != len(oldWebRS) || len(oldWebRS) == 0 {
		t.Fatalf("want every old web ReplicaSet (%d) deleted, got %+v", len(oldWebRS), got.Status.Actions)
	}
	for _, a := range got.Status.Actions {
		if !hasUID(oldWebRS, a.Target.UID) || a.Result != execute.DryRun {
			t.Errorf("action %+v: not one of web's old ReplicaSets, or not a dry run", a)
		}
	}
	if got.Spec.LeaseID == nil || *got.Spec.LeaseID != stuck.ID || !strings.Contains(got.Spec.Reason, "Insufficient cpu") {
		t.Errorf("spec %+v", got.Spec)
	}
}

func hasUID(m map[types.UID]appsv1.ReplicaSet, uid string) bool {
	_, ok := m[types.UID(uid)]
	return ok
}

// TestForceNewForbiddenIsPerObject runs as a user allowed to delete
// ReplicaSets in one lease namespace only: that lease is repaired, the other
// is reported Forbidden, and the exit code says something failed.
func TestForceNewForbiddenIsPerObject(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	node := dedicatedNode(t, c, "2")
	web := fixture.Service{Name: "web", Image: "nginx:1.25", Count: 1, CPU: 1000, Memory: 64 << 20}
	a := fixture.NewLease(t.Name()+"/a", 1, web)
	b := fixture.NewLease(t.Name()+"/b", 2, web)
	seedLeases(t, c, c.Namespace(t, "lease"), []fixture.Lease{a, b}, []fixture.Options{{Legacy: true, Node: node}, {Legacy: true, Node: node}})
	for _, l := range []fixture.Lease{a, b} {
		waitRunning(t, c, l.Namespace(), selectorOf(l, "web"), 1)
	}
	for _, l := range []fixture.Lease{a, b} {
		updateDeployment(t, c, l.Namespace(), "web", func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "nginx:1.27" })
	}
	for _, l := range []fixture.Lease{a, b} {
		waitUnschedulable(t, c, l.Namespace(), selectorOf(l, "web"))
	}
	oldB := ownedReplicaSets(t, c, b.Namespace(), "web")

	user := "e2e-rs-operator"
	grant(t, c, user, a.Namespace())
	// Every namespace, narrowed by label to exactly these two leases.
	sel := fmt.Sprintf("%s in (%s,%s)", akash.LabelNamespace, a.Namespace(), b.Namespace())
	r := kubectlAkash(t, c, runOpts{}, "replicasets", "force-new", "--as", user, "-l", sel, "--min-age=0", "--yes", "-o", "json")
	if r.code != 1 || !strings.Contains(r.stderr, "1 of 2 planned actions failed") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	got := stuckList(t, r.stdout)
	if res := got[a.Namespace()+"/web"].Status.Actions[0].Result; res != execute.Succeeded {
		t.Fatalf("lease a: %s", res)
	}
	bAction := got[b.Namespace()+"/web"].Status.Actions[0]
	if bAction.Result != execute.Forbidden || !strings.Contains(bAction.Message, "forbidden") {
		t.Fatalf("lease b: %+v", bAction)
	}
	if len(ownedReplicaSets(t, c, b.Namespace(), "web")) != len(oldB) {
		t.Fatal("lease b's ReplicaSets must be untouched")
	}
}

// grant lets user read everything force-new reads, cluster-wide, and delete
// ReplicaSets in one namespace only.
func grant(t *testing.T, c *cluster.Cluster, user, deleteIn string) {
	t.Helper()
	ctx := t.Context()
	rbac := c.Kube().RbacV1()
	reader := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: user + "-reader"},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"namespaces", "pods", "events"}, Verbs: []string{"get", "list"}},
			{APIGroups: []string{"apps"}, Resources: []string{"deployments", "replicasets", "statefulsets"}, Verbs: []string{"get", "list"}},
		},
	}
	if _, err := rbac.ClusterRoles().Create(ctx, reader, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	subject := []rbacv1.Subject{{Kind: "User", Name: user, APIGroup: "rbac.authorization.k8s.io"}}
	if _, err := rbac.ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: user + "-reader"}, Subjects: subject,
		RoleRef: rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: reader.Name},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := rbac.Roles(deleteIn).Create(ctx, &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "delete-rs"},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{"apps"}, Resources: []string{"replicasets"}, Verbs: []string{"delete"}}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := rbac.RoleBindings(deleteIn).Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "delete-rs"}, Subjects: subject,
		RoleRef: rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "delete-rs"},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = rbac.ClusterRoleBindings().Delete(context.Background(), user+"-reader", metav1.DeleteOptions{})
		_ = rbac.ClusterRoles().Delete(context.Background(), user+"-reader", metav1.DeleteOptions{})
	})
	waitAllowed(t, c, userSubject(user), authorizationv1.ResourceAttributes{Verb: "list", Resource: "pods"},
		authorizationv1.ResourceAttributes{Verb: "delete", Group: "apps", Resource: "replicasets", Namespace: deleteIn})
}

func TestForceNewUnknownNamespace(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	r := kubectlAkash(t, c, runOpts{}, "replicasets", "force-new", "-n", "no-such-namespace", "--dry-run=client")
	if r.code != 1 || !strings.Contains(r.stderr, `namespace "no-such-namespace" not found`) {
		t.Fatalf("exit %d: %q", r.code, r.stderr)
	}
}

// TestForceNewWatch runs force-new --watch the way the cron job ran: it
// keeps looking, repairs a rollout that gets stuck while it runs, and stops
// cleanly when interrupted.
func TestForceNewWatch(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	node := dedicatedNode(t, c, "1")
	web := fixture.Service{Name: "web", Image: "nginx:1.25", Count: 1, CPU: 800, Memory: 64 << 20}
	l := fixture.NewLease(t.Name(), 4242, web)
	seedLeases(t, c, c.Namespace(t, "lease"), []fixture.Lease{l}, []fixture.Options{{Legacy: true, Node: node}})
	ns := l.Namespace()
	waitRunning(t, c, ns, selectorOf(l, "web"), 1)

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan result, 1)
	go func() {
		done <- kubectlAkash(t, c, runOpts{ctx: ctx}, "replicasets", "force-new", "-n", ns, "--watch", "--interval", "1s", "--min-age", "0", "--yes")
	}()
	// The update gets stuck while the watch runs, and the watch repairs it.
	updateDeployment(t, c, ns, "web", func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "nginx:1.27" })
	eventually(t, 90*time.Second, func(ctx context.Context) (bool, string, error) {
		pods, err := podsOf(ctx, c, ns, selectorOf(l, "web"))
		if err != nil {
			return false, "", err
		}
		var states []string
		for _, p := range pods {
			states = append(states, p.Spec.Containers[0].Image+"="+string(p.Status.Phase))
		}
		return len(pods) == 1 && pods[0].Spec.Containers[0].Image == "nginx:1.27" && pods[0].Status.Phase == "Running", fmt.Sprint(states), nil
	})
	cancel()
	select {
	case r := <-done:
		if r.code != 0 || !strings.Contains(r.stderr, "found 1 stuck rollout(s)") || !strings.Contains(r.stderr, "stopping: interrupted") || !strings.Contains(r.stdout, "Succeeded") {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("--watch did not stop after the interrupt")
	}
}

func TestForceNewWatchNeedsYes(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	r := kubectlAkash(t, c, runOpts{}, "replicasets", "force-new", "--watch")
	if r.code != 1 || !strings.Contains(r.stderr, "--watch acts unattended: pass --yes") {
		t.Fatalf("exit %d: %q", r.code, r.stderr)
	}
}

// TestForceNewKnowsTheProvidersStrategy: on one full node, a lease created
// by a provider before 0.6.7 (the Kubernetes default strategy) and one
// with the provider's own strategy (maxSurge 0, maxUnavailable 1) are both
// updated. Only the first gets stuck, and force-new says why; --schedule
// says whether the CronJob is still needed for each.
func TestForceNewKnowsTheProvidersStrategy(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	node := dedicatedNode(t, c, "2")
	legacy := fixture.NewLease(t.Name()+"/legacy", 5560001, fixture.Service{Name: "web", Image: "nginx:1.25", Count: 1, CPU: 1200, Memory: 64 << 20})
	current := fixture.NewLease(t.Name()+"/current", 5560002, fixture.Service{Name: "web", Image: "nginx:1.25", Count: 1, CPU: 600, Memory: 64 << 20})
	seedLeases(t, c, c.Namespace(t, "lease"), []fixture.Lease{legacy, current}, []fixture.Options{{Legacy: true, Node: node}, {Node: node}})
	waitRunning(t, c, legacy.Namespace(), selectorOf(legacy, "web"), 1)
	oldCurrent := waitRunning(t, c, current.Namespace(), selectorOf(current, "web"), 1)[0]
	for _, l := range []fixture.Lease{legacy, current} {
		updateDeployment(t, c, l.Namespace(), "web", func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "nginx:1.27" })
	}
	waitUnschedulable(t, c, legacy.Namespace(), selectorOf(legacy, "web"))
	// The provider's strategy stops the old pod first: the update lands.
	eventually(t, 60*time.Second, func(ctx context.Context) (bool, string, error) {
		pods := waitRunning(t, c, current.Namespace(), selectorOf(current, "web"), 1)
		return pods[0].UID != oldCurrent.UID && pods[0].Spec.Containers[0].Image == "nginx:1.27", "old pod still running", nil
	})

	r := kubectlAkash(t, c, runOpts{}, "replicasets", "force-new", "--min-age=0", "--dry-run=client", "-o", "json").ok(t)
	got := stuckList(t, r.stdout)
	if _, ok := got[current.Namespace()+"/web"]; ok {
		t.Fatal("the update of a Deployment with the provider's strategy landed: nothing to repair")
	}
	s := got[legacy.Namespace()+"/web"]
	if s.Spec.Strategy.Provider || s.Spec.Strategy.MaxSurge != "25%" || !strings.Contains(s.Spec.StrategyNote, "Kubernetes default strategy") || len(s.Status.Actions) != 1 {
		t.Fatalf("the legacy Deployment is repaired and says why: %+v", s)
	}

	schedule := func(ns string) string {
		return kubectlAkash(t, c, runOpts{}, "replicasets", "force-new", "-n", ns, "--schedule", "*/5 * * * *").ok(t).stderr
	}
	if note := schedule(current.Namespace()); !strings.Contains(note, "this CronJob is not needed") {
		t.Errorf("only the provider's strategy here: %q", note)
	}
	if note := schedule(legacy.Namespace()); !strings.Contains(note, "1 of 1 lease Deployments can still get stuck") || !strings.Contains(note, "still repairs") {
		t.Errorf("a legacy Deployment here: %q", note)
	}
}
