package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/rollout"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// manifestCommands returns each service's command in a Manifest, in order.
func manifestCommands(t *testing.T, c *cluster.Cluster, leaseNS, name string) []string {
	t.Helper()
	m, err := c.Dynamic().Resource(akash.ManifestGVR).Namespace(leaseNS).Get(t.Context(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	svcs, _, _ := unstructured.NestedSlice(m.Object, "spec", "group", "services")
	var out []string
	for _, s := range svcs {
		sm := s.(map[string]any)
		cmd, _, _ := unstructured.NestedStringSlice(sm, "command")
		out = append(out, sm["name"].(string)+"="+strings.Join(cmd, " "))
	}
	return out
}

func lostList(t *testing.T, out string) map[string]rollout.LostCommand {
	t.Helper()
	m := map[string]rollout.LostCommand{}
	for _, it := range listItems[rollout.LostCommand](t, "LostCommandList", out, "") {
		m[it.Namespace+"/"+it.Name] = it
	}
	return m
}

// TestManifestsHeal builds the lost-command situations for real and heals
// them: a Deployment with several revisions whose service is not at index 0
// of its Manifest, a StatefulSet in a multi-service lease, and a lease whose
// Manifest is missing; then restarts a stand-in provider pod.
//
// It runs alone: it heals every namespace, like an operator would.
func TestManifestsHeal(t *testing.T) {
	c := cluster.Get(t)
	ctx := t.Context()
	node := dedicatedNode(t, c, "1")
	leaseNS := c.Namespace(t, "lease")

	// Lease 1: db at index 0, web at index 1. web ran with a command in
	// revisions 1 and 2; revision 3 lost it and cannot become available.
	db := fixture.Service{Name: "db", Image: "postgres:16", Count: 1, CPU: 100, Memory: 64 << 20}
	web := fixture.Service{Name: "web", Image: "ghcr.io/acme/web:1", Count: 1, CPU: 800, Memory: 64 << 20}
	l1 := fixture.NewLease(t.Name()+"/deployment", 7001, db, web) // the Manifest as the old provider left it: no command
	seedLeases(t, c, leaseNS, []fixture.Lease{l1}, []fixture.Options{{NoWorkloads: true}})
	for _, svc := range []fixture.Service{db, withCommand(web, "/bin/web", "--v1")} {
		d := l1.Deployment(svc, false) // maxSurge 0: revisions 1 and 2 roll out on the full node
		fixture.Pin(&d.Spec.Template.Spec, node)
		if _, err := c.Kube().AppsV1().Deployments(l1.Namespace()).Create(ctx, d, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	waitRunning(t, c, l1.Namespace(), selectorOf(l1, "web"), 1)
	updateDeployment(t, c, l1.Namespace(), "web", func(d *appsv1.Deployment) {
		d.Spec.Template.Spec.Containers[0].Command = []string{"/bin/web", "--v2"}
	})
	waitRevision(t, c, l1.Namespace(), "web", "2")
	waitRunning(t, c, l1.Namespace(), selectorOf(l1, "web"), 1)
	updateDeployment(t, c, l1.Namespace(), "web", func(d *appsv1.Deployment) {
		d.Spec.Template.Spec.Containers[0].Command = nil // what the old provider did
		d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxSurge: ptr.To(intstr.FromInt32(1)), MaxUnavailable: ptr.To(intstr.FromInt32(0))}
	})
	waitUnschedulable(t, c, l1.Namespace(), selectorOf(l1, "web"))

	// Lease 2: a StatefulSet at index 1 whose command the Manifest lacks.
	cache := fixture.Service{Name: "cache", Image: "redis:7", Count: 1, CPU: 10, Memory: 1 << 20}
	worker := fixture.Service{Name: "worker", Image: "ghcr.io/acme/worker:3", Count: 1, CPU: 10, Memory: 1 << 20, Stateful: true}
	l2 := fixture.NewLease(t.Name()+"/statefulset", 7002, cache, worker)
	seedLeases(t, c, leaseNS, []fixture.Lease{l2}, []fixture.Options{{NoWorkloads: true}})
	st := l2.StatefulSet(withCommand(worker, "/bin/worker", "-q"))
	if _, err := c.Kube().AppsV1().StatefulSets(l2.Namespace()).Create(ctx, st, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	// Lease 3: the same loss, but its Manifest is gone.
	l3 := fixture.NewLease(t.Name()+"/no-manifest", 7003, withCommand(fixture.Web("nginx"), "/bin/nginx"))
	seedLeases(t, c, leaseNS, []fixture.Lease{l3}, []fixture.Options{{NoManifest: true, NoWorkloads: true}})
	lostStatefulSet := l3.StatefulSet(fixture.Service{Name: "web", Image: "nginx", Count: 1, CPU: 10, Memory: 1 << 20, Command: []string{"/bin/nginx"}})
	if _, err := c.Kube().AppsV1().StatefulSets(l3.Namespace()).Create(ctx, lostStatefulSet, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	// A stand-in provider pod, to be restarted after the patches.
	provNS := c.Namespace(t, "provider")
	provider := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "akash-provider-0", Labels: map[string]string{"app": "akash-provider"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "provider", Image: "ghcr.io/akash-network/provider:0.6.4"}},
			NodeSelector: map[string]string{"type": "kwok"}},
	}
	provider, err := c.Kube().CoreV1().Pods(provNS).Create(ctx, provider, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}

	heal := func(args ...string) result {
		base := []string{"manifests", "heal", "--lease-namespace", leaseNS, "--provider-namespace", provNS}
		return kubectlAkash(t, c, runOpts{}, append(base, args...)...)
	}
	before := []string{strings.Join(manifestCommands(t, c, leaseNS, l1.Namespace()), ";"), strings.Join(manifestCommands(t, c, leaseNS, l2.Namespace()), ";")}

	// The plan, in a client dry run: nothing changes, the missing Manifest is an error.
	r := heal("--dry-run=client", "-o", "json")
	if r.code != 1 {
		t.Fatalf("a service that cannot be healed makes the exit code 1: %d\n%s", r.code, r.stderr)
	}
	plan := lostList(t, r.stdout)
	p1 := plan[l1.Namespace()+"/web"]
	if p1.Spec.ServiceIndex != 1 || strings.Join(p1.Spec.Command, " ") != "/bin/web --v2" || p1.Spec.FromRevision != 2 || p1.Spec.WorkloadKind != "Deployment" {
		t.Fatalf("deployment plan: %+v", p1.Spec)
	}
	p2 := plan[l2.Namespace()+"/worker"]
	if p2.Spec.ServiceIndex != 1 || strings.Join(p2.Spec.Command, " ") != "/bin/worker -q" || p2.Spec.WorkloadKind != "StatefulSet" {
		t.Fatalf("statefulset plan: %+v", p2.Spec)
	}
	if p3 := plan[l3.Namespace()+"/web"]; !strings.Contains(p3.Status.Error, "no Manifest") || len(p3.Status.Actions) != 0 {
		t.Fatalf("missing manifest: %+v", p3.Status)
	}
	if len(plan) != 3 {
		t.Fatalf("want exactly 3 findings, got %d", len(plan))
	}
	after := []string{strings.Join(manifestCommands(t, c, leaseNS, l1.Namespace()), ";"), strings.Join(manifestCommands(t, c, leaseNS, l2.Namespace()), ";")}
	if strings.Join(before, "|") != strings.Join(after, "|") {
		t.Fatalf("a dry run changed the Manifests: %v -> %v", before, after)
	}

	// The heal: backup first, patches by name, the provider restarted.
	dir := t.TempDir()
	r = heal("--yes", "--restart-provider", "--backup-dir", dir, "-o", "json")
	if r.code != 1 || !strings.Contains(r.stderr, "1 service(s) could not be healed") || !strings.Contains(r.stderr, "Backup of 2 manifests") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	healed := lostList(t, r.stdout)
	for _, key := range []string{l1.Namespace() + "/web", l2.Namespace() + "/worker"} {
		acts := healed[key].Status.Actions
		if len(acts) != 2 || acts[0].Result != execute.Succeeded || acts[1].Result != execute.Succeeded || healed[key].Status.ProviderRestartNeeded {
			t.Fatalf("%s: %+v restart needed %v", key, acts, healed[key].Status.ProviderRestartNeeded)
		}
	}
	if got := manifestCommands(t, c, leaseNS, l1.Namespace()); strings.Join(got, ";") != "db=;web=/bin/web --v2" {
		t.Fatalf("lease 1 Manifest: %v", got)
	}
	if got := manifestCommands(t, c, leaseNS, l2.Namespace()); strings.Join(got, ";") != "cache=;worker=/bin/worker -q" {
		t.Fatalf("lease 2 Manifest: %v", got)
	}
	if p, err := c.Kube().CoreV1().Pods(provNS).Get(ctx, provider.Name, metav1.GetOptions{}); !apierrors.IsNotFound(err) && (err != nil || p.DeletionTimestamp == nil) {
		t.Fatalf("the provider pod must have been deleted (or be terminating): %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "kubectl-akash-backup-*.yaml"))
	if len(files) != 1 {
		t.Fatalf("want one backup file, got %v", files)
	}
	raw, _ := os.ReadFile(files[0])
	if !strings.Contains(string(raw), "name: "+l1.Namespace()) || !strings.Contains(string(raw), "name: "+l2.Namespace()) || strings.Contains(string(raw), "/bin/web --v2") {
		t.Fatalf("the backup must hold the Manifests as they were before the patch:\n%s", raw)
	}

	// Healed: nothing is patched twice. Lease 1's Deployment runs without the
	// command until the provider re-renders it, so it is reported with a note.
	again := lostList(t, heal("--dry-run=client", "-o", "json").stdout)
	a1 := again[l1.Namespace()+"/web"]
	if len(again) != 2 || len(a1.Status.Actions) != 0 || !a1.Status.ProviderRestartNeeded || !strings.Contains(a1.Status.Note, "already has a command") || again[l3.Namespace()+"/web"].Status.Error == "" {
		t.Fatalf("after healing: %+v", again)
	}
}

func withCommand(s fixture.Service, cmd ...string) fixture.Service {
	s.Command = cmd
	return s
}

// waitRevision waits until a Deployment reports the given revision.
func waitRevision(t *testing.T, c *cluster.Cluster, ns, name, rev string) {
	t.Helper()
	eventually(t, 60e9, func(ctx context.Context) (bool, string, error) {
		d, err := c.Kube().AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, "", err
		}
		got := d.Annotations["deployment.kubernetes.io/revision"]
		return got == rev && d.Status.UpdatedReplicas == *d.Spec.Replicas && d.Status.Replicas == d.Status.UpdatedReplicas, "revision " + got, nil
	})
}
