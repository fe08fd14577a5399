package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	appsv1 "k8s.io/api/apps/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/doctor"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/test/chainapi"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// decodeDoctor reads a doctor -o json report.
func decodeDoctor(t *testing.T, r result) *doctor.Report {
	t.Helper()
	var rep doctor.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || rep.Kind != doctor.Kind || rep.APIVersion != output.APIVersion {
		t.Fatalf("not a %s (%v)\nstdout:\n%s\nstderr:\n%s", doctor.Kind, err, r.stdout, r.stderr)
	}
	return &rep
}

// checkOf is one check's result in the report.
func checkOf(t *testing.T, rep *doctor.Report, name string) doctor.CheckResult {
	t.Helper()
	for _, r := range rep.Status.Results {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no result for check %s in %+v", name, rep.Status.Results)
	return doctor.CheckResult{}
}

// findingIn is the finding of check with code in namespace, or fails.
func findingIn(t *testing.T, rep *doctor.Report, check, code, ns string) doctor.Finding {
	t.Helper()
	r := checkOf(t, rep, check)
	for _, f := range r.Findings {
		if f.Code == code && f.Namespace == ns {
			return f
		}
	}
	t.Fatalf("check %s (%s: %s): no %s finding in %s among %+v", check, r.Status, r.Reason, code, ns, r.Findings)
	return doctor.Finding{}
}

// doctorProvider seeds one provider with a problem of each cluster-side
// kind: a stuck update, a lost command, a Failed pod, a crash-looping pod
// and a lease closed on chain that still runs (read through a stand-in
// chain API on loopback). It returns the doctor arguments that look at it.
type doctorProvider struct {
	leaseNS, provNS, provider                 string
	stuck, lost, failed, crashing, closed, ok fixture.Lease
	api                                       *chainapi.Server
}

func seedDoctorProvider(t *testing.T, c *cluster.Cluster) *doctorProvider {
	t.Helper()
	p := &doctorProvider{leaseNS: c.Namespace(t, "lease"), provNS: c.Namespace(t, "akash-services"), provider: fixture.Address(t.Name() + "/provider")}
	mk := func(name string, dseq uint64, svcs ...fixture.Service) fixture.Lease {
		l := fixture.NewLease(t.Name()+"/"+name, dseq, svcs...)
		l.ID.Provider = p.provider
		return l
	}
	node := dedicatedNode(t, c, "2")
	// 1.5 of the node's 2 CPUs: the update's new pod cannot fit beside the old one.
	web := fixture.Service{Name: "web", Image: "nginx:1.25", Count: 1, CPU: 1500, Memory: 64 << 20}
	p.stuck = mk("stuck", 1701, web)
	worker := fixture.Service{Name: "worker", Image: "ghcr.io/acme/worker:3", Count: 1, CPU: 10, Memory: 1 << 20, Stateful: true}
	p.lost = mk("lost", 1702, worker)
	p.failed = mk("failed", 1703, fixture.Web("nginx"))
	p.crashing = mk("crashing", 1704, fixture.Web("nginx"))
	p.closed = mk("closed", 1705, fixture.Web("nginx"))
	p.ok = mk("ok", 1706, fixture.Web("nginx"))
	seedLeases(t, c, p.leaseNS, []fixture.Lease{p.stuck, p.lost, p.failed, p.crashing, p.closed, p.ok},
		[]fixture.Options{{Legacy: true, Node: node}, {NoWorkloads: true}, {NoWorkloads: true}, {NoWorkloads: true}, {}, {NoWorkloads: true}})

	// The lost command: a StatefulSet runs a command its Manifest lacks.
	st := p.lost.StatefulSet(withCommand(worker, "/bin/worker", "-q"))
	if _, err := c.Kube().AppsV1().StatefulSets(p.lost.Namespace()).Create(t.Context(), st, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// A Failed pod and a crash-looping one.
	failedPod(t, c, p.failed.Namespace(), "oom", corev1.PodFailed, "", time.Now().Add(-time.Hour))
	failedPod(t, c, p.crashing.Namespace(), "crashing", corev1.PodRunning, "", time.Now().Add(-time.Hour))
	setWaiting(t, c, p.crashing.Namespace(), "crashing", "CrashLoopBackOff")
	// The stuck update.
	waitRunning(t, c, p.stuck.Namespace(), selectorOf(p.stuck, "web"), 1)
	updateDeployment(t, c, p.stuck.Namespace(), "web", func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "nginx:1.27" })
	waitUnschedulable(t, c, p.stuck.Namespace(), selectorOf(p.stuck, "web"))

	p.api = chainapi.Start(t,
		chainapi.Lease{ID: p.stuck.ID, State: "active", CreatedAt: 10},
		chainapi.Lease{ID: p.lost.ID, State: "active", CreatedAt: 10},
		chainapi.Lease{ID: p.failed.ID, State: "active", CreatedAt: 10},
		chainapi.Lease{ID: p.crashing.ID, State: "active", CreatedAt: 10},
		chainapi.Lease{ID: p.ok.ID, State: "active", CreatedAt: 10},
		chainapi.Lease{ID: p.closed.ID, State: "closed", CreatedAt: 11, ClosedOn: 900},
	)
	return p
}

// args are doctor's flags for this provider.
func (p *doctorProvider) args(extra ...string) []string {
	return append([]string{"doctor", "--lease-namespace", p.leaseNS, "--provider-namespace", p.provNS, "--api", p.api.URL(), "--provider", p.provider, "--stuck-after", "0s"}, extra...)
}

// setWaiting makes a pod's container wait for reason, as the kubelet
// reports a container that keeps crashing.
func setWaiting(t *testing.T, c *cluster.Cluster, ns, name, reason string) {
	t.Helper()
	pod, err := c.Kube().CoreV1().Pods(ns).Get(t.Context(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pod.Status.ContainerStatuses[0].State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: "back-off 5m0s restarting failed container"}}
	pod.Status.ContainerStatuses[0].RestartCount = 7
	if _, err := c.Kube().CoreV1().Pods(ns).UpdateStatus(t.Context(), pod, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestDoctorClusterSections: one doctor run reports each seeded problem
// with its lease, tenant and fix, exits 3, scores the sections, and starts
// no debug pod with --no-nodes.
func TestDoctorClusterSections(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	p := seedDoctorProvider(t, c)

	r := kubectlAkash(t, c, runOpts{}, p.args("--no-nodes", "-o", "json")...)
	if r.code != 3 {
		t.Fatalf("findings must exit 3, got %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	rep := decodeDoctor(t, r)
	for _, want := range []struct {
		check, code string
		lease       fixture.Lease
		fix         string
	}{
		{"stuck-rollouts", doctor.CodeStuckRollout, p.stuck, "kubectl akash replicasets force-new -n " + p.stuck.Namespace() + " --yes"},
		{"lost-commands", doctor.CodeLostCommand, p.lost, "kubectl akash manifests heal -n " + p.lost.Namespace()},
		{"failed-pods", doctor.CodeFailedPod, p.failed, "kubectl akash pods clean-failed -n " + p.failed.Namespace() + " --yes"},
		{"unhealthy-pods", doctor.CodeCrashingPod, p.crashing, "kubectl -n " + p.crashing.Namespace() + " logs crashing"},
		{"dangling", doctor.CodeClosedStillRunning, p.closed, "kubectl akash dangling --close --api " + p.api.URL()},
	} {
		f := findingIn(t, rep, want.check, want.code, want.lease.Namespace())
		if f.Lease != want.lease.ID.String() || f.Owner != want.lease.ID.Owner || f.DSeq == "" || !strings.HasPrefix(f.Fix, want.fix) || f.Message == "" {
			t.Errorf("%s: want lease %s and a fix starting %q, got %+v", want.check, want.lease.ID, want.fix, f)
		}
	}
	for _, f := range checkOf(t, rep, "dangling").Findings {
		if f.Lease == p.ok.ID.String() {
			t.Errorf("the healthy lease is not dangling: %+v", f)
		}
	}
	if pr := checkOf(t, rep, "provider-pods"); pr.Status != doctor.StatusFindings || pr.Findings[0].Code != doctor.CodeNoProviderPod {
		t.Errorf("no provider pod: %+v", pr)
	}
	if ps := checkOf(t, rep, "provider-status"); ps.Status != doctor.StatusNotApplicable {
		t.Errorf("/status without a provider pod is not applicable: %+v", ps)
	}
	if dp := checkOf(t, rep, "device-plugin"); dp.Status != doctor.StatusNotApplicable {
		t.Errorf("a cluster without GPU nodes: device-plugin is not applicable: %+v", dp)
	}
	if rep.Status.Score == nil || rep.Status.Score.Value >= 100 || len(rep.Status.Errors) != 0 {
		t.Errorf("score and errors: %+v %v", rep.Status.Score, rep.Status.Errors)
	}
	for _, s := range rep.Status.Sections {
		if s.Name == "rollouts" && (s.Score == nil || s.Score.Tally.Error < 2) {
			t.Errorf("rollouts section: %+v", s.Score)
		}
	}

	// The human view: a table per section, each with its score.
	table := kubectlAkash(t, c, runOpts{}, p.args("--no-nodes")...)
	for _, want := range []string{"ROLLOUTS ", "LEASE PODS ", "LEASES ON CHAIN ", "OVERALL ", doctor.CodeStuckRollout, p.stuck.ID.Owner + "/1701"} {
		if !strings.Contains(table.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, table.stdout)
		}
	}

	// Without a chain source (no --api, no provider pod), dangling is not
	// applicable, and the rest is the same.
	noChain := kubectlAkash(t, c, runOpts{}, "doctor", "--no-nodes", "--lease-namespace", p.leaseNS, "--provider-namespace", p.provNS, "--checks", "dangling,failed-pods", "-o", "json")
	rep = decodeDoctor(t, noChain)
	if d := checkOf(t, rep, "dangling"); d.Status != doctor.StatusNotApplicable || !strings.Contains(d.Reason, "--api") {
		t.Errorf("no chain source: %+v", d)
	}
	if noChain.code != 3 {
		t.Errorf("the Failed pod is still a finding: exit %d", noChain.code)
	}

	doctorChecksAndSkip(t, c, p)
	doctorForbiddenCheckIsNamed(t, c, p)
	doctorPrometheus(t, c, p)
}

// doctorChecksAndSkip: --checks runs only the named checks, --skip leaves
// out the named ones, and an unknown name is refused before any request.
func doctorChecksAndSkip(t *testing.T, c *cluster.Cluster, p *doctorProvider) {
	p.api.Lock()
	before := p.api.Requests["/akash/market/v1beta5/leases/list"]
	p.api.Unlock()
	rep := decodeDoctor(t, kubectlAkash(t, c, runOpts{}, p.args("--no-nodes", "--checks", "failed-pods", "-o", "json")...))
	for _, r := range rep.Status.Results {
		if (r.Name == "failed-pods") != (r.Status != doctor.StatusSkipped) {
			t.Errorf("--checks failed-pods: %s is %s", r.Name, r.Status)
		}
	}
	p.api.Lock()
	after := p.api.Requests["/akash/market/v1beta5/leases/list"]
	p.api.Unlock()
	if after != before {
		t.Error("--checks failed-pods must not read the chain")
	}
	r := kubectlAkash(t, c, runOpts{}, p.args("--no-nodes", "--skip", "dangling,stuck-rollouts", "-o", "json")...)
	rep = decodeDoctor(t, r)
	if checkOf(t, rep, "dangling").Status != doctor.StatusSkipped || checkOf(t, rep, "stuck-rollouts").Status != doctor.StatusSkipped ||
		checkOf(t, rep, "lost-commands").Status != doctor.StatusFindings {
		t.Errorf("--skip: %+v", rep.Status.Results)
	}
	bad := kubectlAkash(t, c, runOpts{}, p.args("--checks", "no-such-check")...)
	if bad.code != 1 || !strings.Contains(bad.stderr, "unknown check(s) no-such-check") || !strings.Contains(bad.stderr, "stuck-rollouts") {
		t.Errorf("unknown check: exit %d %s", bad.code, bad.stderr)
	}
}

// doctorForbiddenCheckIsNamed: a user who may not list ReplicaSets gets
// exit 1 naming the checks that could not run, and every other check
// still reported.
func doctorForbiddenCheckIsNamed(t *testing.T, c *cluster.Cluster, p *doctorProvider) {
	user := "e2e-doctor-no-replicasets"
	rbac := c.Kube().RbacV1()
	role := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: user}, Rules: []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"namespaces", "pods", "events", "nodes"}, Verbs: []string{"list"}},
		{APIGroups: []string{"apps"}, Resources: []string{"deployments", "statefulsets", "daemonsets"}, Verbs: []string{"list"}},
		{APIGroups: []string{"akash.network"}, Resources: []string{"manifests", "providerhosts", "providerleasedips"}, Verbs: []string{"list"}},
	}}
	if _, err := rbac.ClusterRoles().Create(t.Context(), role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := rbac.ClusterRoleBindings().Create(t.Context(), &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: user},
		Subjects: []rbacv1.Subject{{Kind: "User", Name: user, APIGroup: "rbac.authorization.k8s.io"}},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: user}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = rbac.ClusterRoleBindings().Delete(context.Background(), user, metav1.DeleteOptions{})
		_ = rbac.ClusterRoles().Delete(context.Background(), user, metav1.DeleteOptions{})
	})
	waitAllowed(t, c, userSubject(user), authorizationv1.ResourceAttributes{Verb: "list", Resource: "pods"})

	r := kubectlAkash(t, c, runOpts{}, p.args("--no-nodes", "--as", user, "-o", "json")...)
	if r.code != 1 || !strings.Contains(r.stderr, "stuck-rollouts") || !strings.Contains(r.stderr, "lost-commands") || !strings.Contains(r.stderr, "could not run") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	rep := decodeDoctor(t, r)
	for _, name := range []string{"stuck-rollouts", "lost-commands"} {
		if res := checkOf(t, rep, name); res.Status != doctor.StatusError || !strings.Contains(res.Reason, "forbidden") {
			t.Errorf("%s: %+v", name, res)
		}
	}
	findingIn(t, rep, "failed-pods", doctor.CodeFailedPod, p.failed.Namespace())
	findingIn(t, rep, "dangling", doctor.CodeClosedStillRunning, p.closed.Namespace())
}

// doctorPrometheus: -o prometheus is valid text exposition format (the
// Prometheus text parser reads it back), one gauge family per check, and
// the findings' samples carry node, namespace, owner and dseq.
func doctorPrometheus(t *testing.T, c *cluster.Cluster, p *doctorProvider) {
	r := kubectlAkash(t, c, runOpts{}, p.args("--no-nodes", "-o", "prometheus")...)
	if r.code != 3 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(r.stdout))
	if err != nil {
		t.Fatalf("not the text exposition format: %v\n%s", err, r.stdout)
	}
	fam := families[doctor.MetricPrefix+"failed_pods_findings"]
	if fam == nil || fam.GetType().String() != "GAUGE" {
		t.Fatalf("no gauge family for failed-pods:\n%s", r.stdout)
	}
	found := false
	for _, m := range fam.Metric {
		labels := map[string]string{}
		for _, l := range m.Label {
			labels[l.GetName()] = l.GetValue()
		}
		if labels["namespace"] == p.failed.Namespace() && labels["owner"] == p.failed.ID.Owner && labels["dseq"] == "1703" && labels["code"] == doctor.CodeFailedPod && m.GetGauge().GetValue() == 1 {
			found = true
		}
	}
	if !found {
		t.Fatalf("the Failed pod's sample is missing:\n%s", r.stdout)
	}
	if families[doctor.MetricPrefix+"score"] == nil || families[doctor.MetricPrefix+"check_status"] == nil {
		t.Fatalf("scores and statuses:\n%s", r.stdout)
	}
}

// TestDoctorCostsConstantLists: doctor's cluster sections cost the same
// requests with 2 leases as with 32: one LIST per resource, whatever the
// number of leases.
func TestDoctorCostsConstantLists(t *testing.T) {
	c := cluster.Get(t)
	leaseNS, provNS := c.Namespace(t, "lease"), c.Namespace(t, "akash-services")
	cfg, counter := c.CountingConfig()
	measure := func() map[string]int {
		counter.Reset()
		r := kubectlAkash(t, c, runOpts{config: cfg}, "doctor", "--no-nodes", "--lease-namespace", leaseNS, "--provider-namespace", provNS, "-o", "json")
		if r.code == 1 {
			t.Fatalf("exit 1: %s", r.stderr)
		}
		got := counter.Counts()
		// The scheduler's events are read only while some Pending pod's
		// reason is not in its condition (other tests' pods come and go).
		if got["LIST events"] > 1 {
			t.Errorf("%d event LISTs", got["LIST events"])
		}
		delete(got, "LIST events")
		return got
	}
	var ls []fixture.Lease
	for i := range 2 {
		ls = append(ls, fixture.NewLease(fmt.Sprintf("%s/%d", t.Name(), i), uint64(3000+i), fixture.Web("nginx")))
	}
	seedLeases(t, c, leaseNS, ls, nil)
	// The first read of the lease CRs right after their namespace is made
	// may be retried once by the client (seen on a fresh cluster): warm up.
	measure()
	few := measure()
	ls = nil
	for i := 2; i < 32; i++ {
		ls = append(ls, fixture.NewLease(fmt.Sprintf("%s/%d", t.Name(), i), uint64(3000+i), fixture.Web("nginx"), fixture.Service{Name: "cache", Image: "redis", Count: 1, CPU: 10, Memory: 1 << 20}))
	}
	seedLeases(t, c, leaseNS, ls, nil)
	many := measure()
	if fmt.Sprint(few) != fmt.Sprint(many) {
		t.Fatalf("2 leases cost %v, 32 leases %v: the same requests are wanted", few, many)
	}
	for _, r := range []string{"manifests", "providerhosts", "providerleasedips", "namespaces", "pods", "deployments", "replicasets", "statefulsets", "nodes"} {
		if few["LIST "+r] == 0 {
			t.Errorf("no LIST of %s in %v", r, few)
		}
	}
	for key := range few {
		if !strings.HasPrefix(key, "LIST ") {
			t.Errorf("%s: only LISTs are wanted (no /status without a provider pod), got %v", key, few)
		}
	}
}
