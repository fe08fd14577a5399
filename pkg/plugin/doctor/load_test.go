package doctor

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/schedule"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot/snapshottest"
)

// TestLoadOneReadEachResource: the checks' resources are one snapshot read,
// one LIST per resource — but the lease pods, taken from every pod when
// every pod is read — and a resource the user may not list is an error of
// that resource only: the others are read.
func TestLoadOneReadEachResource(t *testing.T) {
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"}}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "lease-ns", Labels: map[string]string{"akash.network": "true"}}}
	leasePod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "lease-ns", Labels: map[string]string{"akash.network": "true"}}}
	otherPod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "coredns-1", Namespace: "kube-system", Labels: map[string]string{"akash.network": "false"}}}
	c := snapshottest.New(node, ns, leasePod, otherPod).Fail("replicasets", apierrors.NewForbidden(schema.GroupResource{Group: "apps", Resource: "replicasets"}, "", nil))
	need := map[Resource]bool{ResNodes: true, ResLeaseNamespaces: true, ResReplicaSets: true, ResAllPods: true, ResPods: true}
	snap, errs := Load(t.Context(), c.Clients(t), need, LoadOptions{LeaseNamespace: "lease", ProviderNamespace: "akash-services"})
	if len(errs) != 1 || errs[ResReplicaSets] == nil || !strings.Contains(errs[ResReplicaSets].Error(), "forbidden") {
		t.Fatalf("errors %v", errs)
	}
	if len(snap.Nodes) != 1 || len(snap.Namespaces) != 1 {
		t.Errorf("nodes %d, namespaces %d", len(snap.Nodes), len(snap.Namespaces))
	}
	if len(snap.AllPods) != 2 || len(snap.Pods) != 1 || snap.Pods[0].Name != "web-1" {
		t.Errorf("all pods %d, lease pods %+v", len(snap.AllPods), snap.Pods)
	}
	if got := len(c.Requests()); got != len(need)-1 {
		t.Errorf("%d requests for %d resources, of which the lease pods are every pod's: %v", got, len(need), c.Requests())
	}
}

// TestLoadLeasePodsFailWithEveryPod: when the lease pods come from the read
// of every pod and that read fails, the checks of both fail, not only
// those of every pod: none of them runs on no pods.
func TestLoadLeasePodsFailWithEveryPod(t *testing.T) {
	c := snapshottest.New().Fail("pods", apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "", nil))
	need := map[Resource]bool{ResLeaseNamespaces: true, ResAllPods: true, ResPods: true}
	_, errs := Load(t.Context(), c.Clients(t), need, LoadOptions{LeaseNamespace: "lease", ProviderNamespace: "akash-services"})
	if len(errs) != 2 || errs[ResPods] == nil || errs[ResAllPods] == nil || !strings.Contains(errs[ResPods].Error(), "forbidden") {
		t.Fatalf("errors %v", errs)
	}
}

// TestReadSpecNamesEachRead: every resource's read has a name of its own,
// so a failed read is always traced to its resource.
func TestReadSpecNamesEachRead(t *testing.T) {
	all := map[Resource]bool{}
	for r := range fields {
		all[r] = true
	}
	spec, what := ReadSpec(all, LoadOptions{LeaseNamespace: "lease", ProviderNamespace: "akash-services"})
	named := 0
	for _, r := range spec.Reads() {
		for _, w := range append([]string{r.What}, r.Covers...) {
			if _, ok := what[w]; !ok {
				t.Errorf("read %q has no resource", w)
			}
			named++
		}
	}
	if len(what) != len(fields) || named != len(fields) {
		t.Fatalf("%d names, %d reads and what they cover for %d resources: %v", len(what), named, len(fields), what)
	}
}

// TestScheduleRules: a scheduled doctor may list what its read lists
// (the GPU operator's ClusterPolicies only with the device-plugin check),
// and start debug pods only with node checks.
func TestScheduleRules(t *testing.T) {
	has := func(rules []schedule.Rule, resource, verb string) bool {
		for _, r := range rules {
			for _, res := range r.Resources {
				for _, v := range r.Verbs {
					if res == resource && v == verb {
						return true
					}
				}
			}
		}
		return false
	}
	o := RunOptions{LeaseNamespace: "lease", ProviderNamespace: "akash-services"}
	o.Debug.Namespace = "kube-system"
	rules := ScheduleRules(o)
	for _, want := range [][2]string{{"manifests", "list"}, {"replicasets", "list"}, {"nodes", "list"}, {"clusterpolicies", "list"}, {"pods", "create"}, {"nodes/proxy", "get"}, {"pods/exec", "create"}} {
		if !has(rules, want[0], want[1]) {
			t.Errorf("every check: no %s %s in %+v", want[1], want[0], rules)
		}
	}
	o.Checks, o.NoNodes, o.Chain.API = []string{"failed-pods"}, true, "https://api.example"
	rules = ScheduleRules(o)
	for _, not := range [][2]string{{"clusterpolicies", "list"}, {"replicasets", "list"}, {"pods", "create"}, {"nodes/proxy", "get"}, {"pods/exec", "create"}} {
		if has(rules, not[0], not[1]) {
			t.Errorf("failed-pods, --no-nodes, --api: %s %s in %+v", not[1], not[0], rules)
		}
	}
}

// The ReplicaSets are decoded only where a Deployment's rollout is not
// complete, when both are read (the stuck-rollout and lost-command checks
// pass over the others), and a rolled-out Deployment's namespace is not
// one of them.
func TestReadSpecReplicaSetsOfIncompleteRollouts(t *testing.T) {
	spec, _ := ReadSpec(map[Resource]bool{ResDeployments: true, ResReplicaSets: true}, LoadOptions{})
	if spec.ReplicaSetsOf == nil {
		t.Fatal("ReplicaSets read whole")
	}
	done := &appsv1.Deployment{}
	done.Status.ObservedGeneration = done.Generation
	updating := done.DeepCopy()
	updating.Generation = 2
	if spec.ReplicaSetsOf(done) || !spec.ReplicaSetsOf(updating) {
		t.Errorf("rolled out: %v, updating: %v; want false, true", spec.ReplicaSetsOf(done), spec.ReplicaSetsOf(updating))
	}
	if spec, _ := ReadSpec(map[Resource]bool{ResDeployments: true}, LoadOptions{}); spec.ReplicaSetsOf != nil {
		t.Error("a filter without ReplicaSets to filter")
	}
}
