package e2e

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/schedule"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// kubectlApply pipes manifests into the cluster's own kubectl, as an
// operator would.
func kubectlApply(t *testing.T, c *cluster.Cluster, manifests string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), filepath.Join(c.BinDir, "kubectl"), append([]string{"--kubeconfig", c.Kubeconfig, "apply", "-f", "-"}, args...)...)
	cmd.Stdin = strings.NewReader(manifests)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl apply %v: %v\n%s\nmanifests:\n%s", args, err, out, manifests)
	}
	return string(out)
}

func TestKillImageSchedule(t *testing.T) {
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	provNS := c.Namespace(t, "akash-services")
	miner := fixture.NewLease(t.Name()+"/miner", 9200455, fixture.Service{Name: "app", Image: "docker.io/xmrig/xmrig:6.21.0", Count: 1, CPU: 100, Memory: 64 << 20})
	miner.ID.GSeq, miner.ID.OSeq = 2, 3
	friend := fixture.Address(t.Name() + "/friend")
	seedLeases(t, c, leaseNS, []fixture.Lease{miner}, []fixture.Options{{NoWorkloads: true}})

	r := kubectlAkash(t, c, runOpts{}, "leases", "kill-image", "--image", "xmrig", "--exclude-owner", friend,
		"--lease-namespace", leaseNS, "--provider-namespace", provNS, "--schedule", "*/5 * * * *", "--schedule-image", "ghcr.io/kubectl-akash/kubectl-akash:v9.9.9").ok(t)
	manifests := r.stdout

	// The API server validates every object (schema, the cron expression,
	// RBAC escalation rules), then they are created for real.
	kubectlApply(t, c, manifests, "--dry-run=server")
	applied := kubectlApply(t, c, manifests)
	for _, want := range []string{"serviceaccount/kubectl-akash-kill-image created", "role.rbac.authorization.k8s.io/kubectl-akash-kill-image created", "rolebinding.rbac.authorization.k8s.io/kubectl-akash-kill-image created", "cronjob.batch/kubectl-akash-kill-image created"} {
		if !strings.Contains(applied, want) {
			t.Errorf("kubectl apply: missing %q:\n%s", want, applied)
		}
	}

	cj, err := c.Kube().BatchV1().CronJobs(provNS).Get(t.Context(), "kubectl-akash-kill-image", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pod := cj.Spec.JobTemplate.Spec.Template.Spec
	wantArgs := fmt.Sprintf("leases kill-image --exclude-owner=%s --image=xmrig --lease-namespace=%s --provider-namespace=%s --yes", friend, leaseNS, provNS)
	if cj.Spec.Schedule != "*/5 * * * *" || cj.Spec.ConcurrencyPolicy != batchv1.ForbidConcurrent || pod.ServiceAccountName != "kubectl-akash-kill-image" ||
		pod.Containers[0].Image != "ghcr.io/kubectl-akash/kubectl-akash:v9.9.9" || strings.Join(pod.Containers[0].Args, " ") != wantArgs {
		t.Fatalf("cronjob %+v\nargs %q\nwant %q", cj.Spec, strings.Join(pod.Containers[0].Args, " "), wantArgs)
	}

	// Read the RBAC back: exactly what kill-image does, nothing more.
	sa := "kubectl-akash-kill-image"
	allowed := []authorizationv1.ResourceAttributes{
		{Verb: "list", Group: "akash.network", Resource: "manifests", Namespace: leaseNS},
		{Verb: "list", Resource: "pods", Namespace: provNS},
		{Verb: "create", Resource: "pods", Subresource: "exec", Namespace: provNS},
		{Verb: "get", Resource: "pods", Subresource: "exec", Namespace: provNS},
	}
	denied := []authorizationv1.ResourceAttributes{
		{Verb: "delete", Resource: "namespaces"},
		{Verb: "delete", Resource: "namespaces", Namespace: leaseNS},
		{Verb: "delete", Group: "akash.network", Resource: "manifests", Namespace: leaseNS},
		{Verb: "patch", Group: "akash.network", Resource: "manifests", Namespace: leaseNS},
		{Verb: "list", Group: "akash.network", Resource: "manifests"},
		{Verb: "list", Group: "akash.network", Resource: "manifests", Namespace: provNS},
		{Verb: "list", Resource: "pods", Namespace: leaseNS},
		{Verb: "create", Resource: "pods", Subresource: "exec", Namespace: leaseNS},
		{Verb: "create", Resource: "pods", Subresource: "exec", Namespace: miner.Namespace()},
		{Verb: "delete", Resource: "pods", Namespace: provNS},
		{Verb: "get", Resource: "secrets", Namespace: provNS},
		{Verb: "list", Resource: "secrets", Namespace: provNS},
		{Verb: "create", Resource: "pods", Namespace: provNS},
		{Verb: "delete", Group: "apps", Resource: "replicasets"},
	}
	// Every allowed verb first, waited for: a denial means something only
	// once the Role and its binding have reached the authorizer.
	who := serviceAccountSubject(provNS, sa)
	waitAllowed(t, c, who, allowed...)
	for _, d := range denied {
		if ok, err := may(t.Context(), c, who, d); err != nil || ok {
			t.Errorf("the ServiceAccount must NOT be allowed to %s %s/%s %s in %q (%v)", d.Verb, d.Group, d.Resource, d.Subresource, d.Namespace, err)
		}
	}

	// Run the CronJob's own command line as its ServiceAccount (dry run):
	// its reads succeed with exactly these permissions, and it plans the close.
	providerPod(t, c, provNS, "akash-provider-0", "kwok-node-0") // bound: never pulled on the real node
	waitProviderPodReady(t, c, provNS, "")
	asSA := c.RESTConfig()
	asSA.Impersonate = rest.ImpersonationConfig{UserName: who.user, Groups: who.groups}
	r = kubectlAkash(t, c, runOpts{config: asSA}, append(append([]string{}, pod.Containers[0].Args...), "--dry-run=client")...).ok(t)
	if want := "would run: kubectl --namespace " + provNS + " exec akash-provider-0 --container provider -- " + "provider-services " + closeCall(miner.ID); !strings.Contains(r.stdout, want) {
		t.Fatalf("the scheduled command, run as its ServiceAccount, must plan the close:\n%s\n%s", r.stdout, r.stderr)
	}
	// And the ServiceAccount cannot do what force-new needs.
	r = kubectlAkash(t, c, runOpts{config: asSA}, "replicasets", "force-new", "--dry-run=client")
	if r.code != 1 || !strings.Contains(r.stderr, "not allowed while listing") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
}

func TestForceNewSchedule(t *testing.T) {
	c := cluster.Get(t)
	provNS := c.Namespace(t, "akash-services")
	r := kubectlAkash(t, c, runOpts{}, "replicasets", "force-new", "--min-age", "3m", "--provider-namespace", provNS, "--schedule", "0 */2 * * *", "-o", "json").ok(t)
	kubectlApply(t, c, r.stdout, "--dry-run=server")
	var list struct {
		Items []map[string]any `json:"items"`
	}
	if err := yaml.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, it := range list.Items {
		kinds = append(kinds, fmt.Sprint(it["kind"]))
	}
	if strings.Join(kinds, ",") != "ServiceAccount,ClusterRole,ClusterRoleBinding,CronJob" {
		t.Fatalf("kinds %v", kinds)
	}
	_, args, found := strings.Cut(r.stdout, `"args"`)
	if !found || !strings.Contains(args, `"replicasets"`) || !strings.Contains(args, `"force-new"`) || !strings.Contains(args, `"--min-age=3m0s"`) || !strings.Contains(args, `"--yes"`) {
		t.Fatalf("no such args in:\n%s", r.stdout)
	}
	r = kubectlAkash(t, c, runOpts{}, "replicasets", "force-new", "--schedule", "*/5 * * * *", "--watch", "--yes")
	if r.code != 1 || !strings.Contains(r.stderr, "drop --watch") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
}

// TestCronValidationMatchesTheAPIServer checks the plugin's cron validator
// against the API server's: what one accepts, the other accepts.
func TestCronValidationMatchesTheAPIServer(t *testing.T) {
	c := cluster.Get(t)
	ns := c.Namespace(t, "cron")
	for _, expr := range []string{"*/5 * * * *", "0,30 8-18 * * MON-FRI", "15 2 1 */2 ?", "@hourly", "0 0 1 jan,jul sun", "60 * * * *", "* * * * 7", "*/0 * * * *", "@every 5m", "@every 5x", "* * * *", "5-1 * * * *", "? * * * *", "TZ=UTC 0 * * * *", "@sometimes"} {
		mine := schedule.ValidateCron(expr)
		cj := &batchv1.CronJob{
			ObjectMeta: metav1.ObjectMeta{Name: "probe"},
			Spec: batchv1.CronJobSpec{Schedule: expr, JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}}}},
		}
		_, server := c.Kube().BatchV1().CronJobs(ns).Create(t.Context(), cj, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if (mine == nil) != (server == nil) {
			t.Errorf("%q: plugin says %v, API server says %v", expr, mine, server)
		}
	}
}
