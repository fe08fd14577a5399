package snapshot

import (
	"sort"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/schedule"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot/snapshottest"
)

func objMeta(ns, name string, labels map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels}
}

func pod(ns, name, node string, labels map[string]string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: objMeta(ns, name, labels), Spec: corev1.PodSpec{NodeName: node}}
}

func node(name string, labels map[string]string) *corev1.Node {
	return &corev1.Node{ObjectMeta: objMeta("", name, labels)}
}

func custom(gvr schema.GroupVersionResource, kind, ns, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion(gvr.GroupVersion().String())
	u.SetKind(kind)
	u.SetNamespace(ns)
	u.SetName(name)
	return u
}

func world() []runtime.Object {
	helm := map[string]string{"owner": "helm", "name": "akash-provider"}
	return []runtime.Object{
		&corev1.Secret{ObjectMeta: objMeta("akash-services", "sh.helm.release.v1.akash-provider.v1", helm)},
		&corev1.Secret{ObjectMeta: objMeta("akash-services", "other", nil)},
		&corev1.ConfigMap{ObjectMeta: objMeta("akash-services", "akash-provider-pricing", nil)},
		&corev1.ConfigMap{ObjectMeta: objMeta("default", "elsewhere", nil)},
		&appsv1.DaemonSet{ObjectMeta: objMeta("kube-system", "kube-proxy", nil)},
		&appsv1.DaemonSet{ObjectMeta: objMeta("gpu-operator", "nvidia-driver-daemonset", nil)},
		pod("gpu-operator", "driver-a", "a", map[string]string{"app": "driver"}),
		pod("gpu-operator", "validator-a", "a", map[string]string{"app": "validator"}),
		pod("lease-1", "web", "b", map[string]string{akash.LabelManaged: "true"}),
		pod("akash-services", "akash-provider-0", "b", map[string]string{akash.LabelProviderApp: akash.ProviderApp}),
		node("a", map[string]string{"gpu": "yes"}), node("b", nil), node("c", map[string]string{"gpu": "yes"}),
		&corev1.Namespace{ObjectMeta: objMeta("", "lease-1", map[string]string{akash.LabelManaged: "true"})},
		custom(ClusterPolicyGVR, "ClusterPolicy", "", "cluster-policy"),
		custom(akash.ProviderHostGVR, "ProviderHost", "lease", "host-1"),
	}
}

// Each new read reads what it declares, and only that: Secrets by selector
// and ConfigMaps in the provider namespace, DaemonSets in one namespace or
// all, one node's pods by field selector, nodes by selector and by name,
// ClusterPolicies, and the pods of given namespaces.
func TestLoadNewReads(t *testing.T) {
	c := snapshottest.New(world()...)
	s, err := Load(t.Context(), c.Clients(t), Spec{
		ProviderNamespace: "akash-services", ProviderSecrets: true, ProviderSecretSelector: "owner=helm,name=akash-provider", ProviderConfigMaps: true,
		DaemonSets: true, DaemonSetNamespace: "gpu-operator",
		AllPods: true, PodNodes: []string{"a"},
		Nodes: true, NodeSelector: "gpu=yes",
		ClusterPolicies: true,
		NamespacePods:   map[string]string{"gpu-operator": "app=driver", "akash-services": ""},
	})
	if err != nil {
		t.Fatal(err)
	}
	names := func(n int, name func(int) string) string {
		var out []string
		for i := 0; i < n; i++ {
			out = append(out, name(i))
		}
		sort.Strings(out)
		return strings.Join(out, ",")
	}
	for what, got := range map[string][2]string{
		"secrets":      {names(len(s.Secrets), func(i int) string { return s.Secrets[i].Name }), "sh.helm.release.v1.akash-provider.v1"},
		"configmaps":   {names(len(s.ConfigMaps), func(i int) string { return s.ConfigMaps[i].Name }), "akash-provider-pricing"},
		"daemonsets":   {names(len(s.DaemonSets), func(i int) string { return s.DaemonSets[i].Name }), "nvidia-driver-daemonset"},
		"pods of a":    {names(len(s.AllPods), func(i int) string { return s.AllPods[i].Name }), "driver-a,validator-a"},
		"gpu nodes":    {names(len(s.Nodes), func(i int) string { return s.Nodes[i].Name }), "a,c"},
		"policies":     {names(len(s.ClusterPolicies), func(i int) string { return s.ClusterPolicies[i].GetName() }), "cluster-policy"},
		"operator ns":  {names(len(s.NamespacePods["gpu-operator"]), func(i int) string { return s.NamespacePods["gpu-operator"][i].Name }), "driver-a"},
		"provider ns":  {names(len(s.NamespacePods["akash-services"]), func(i int) string { return s.NamespacePods["akash-services"][i].Name }), "akash-provider-0"},
		"lease pods":   {names(len(s.Pods), func(i int) string { return s.Pods[i].Name }), ""},
		"forbidden cp": {map[bool]string{true: "yes"}[s.ClusterPoliciesForbidden], ""},
	} {
		if got[0] != got[1] {
			t.Errorf("%s: got %q, want %q", what, got[0], got[1])
		}
	}
	reqs := strings.Join(c.Requests(), "\n")
	for _, want := range []string{"fieldSelector=spec.nodeName%3Da", "/apis/apps/v1/namespaces/gpu-operator/daemonsets", "labelSelector=gpu%3Dyes", "/apis/nvidia.com/v1/clusterpolicies"} {
		if !strings.Contains(reqs, want) {
			t.Errorf("no request with %q in:\n%s", want, reqs)
		}
	}
	if n := len(c.Requests()); n != 8 {
		t.Errorf("%d requests, want 8 (one per read):\n%s", n, reqs)
	}
}

// Nodes by name: one name is one node's worth of LIST (a field selector);
// several are one LIST with the others dropped; pods of several nodes too.
func TestLoadByNames(t *testing.T) {
	c := snapshottest.New(world()...)
	s, err := Load(t.Context(), c.Clients(t), Spec{Nodes: true, NodeNames: []string{"b"}})
	if err != nil || len(s.Nodes) != 1 || s.Nodes[0].Name != "b" || !strings.Contains(c.Requests()[0], "fieldSelector=metadata.name%3Db") {
		t.Fatalf("%v %+v %v", err, s, c.Requests())
	}
	s, err = Load(t.Context(), c.Clients(t), Spec{Nodes: true, NodeNames: []string{"a", "c", "gone"}, AllPods: true, PodNodes: []string{"a", "b"}})
	if err != nil || len(s.Nodes) != 2 || len(s.AllPods) != 4 {
		t.Fatalf("%v nodes %d pods %d", err, len(s.Nodes), len(s.AllPods))
	}
}

// A cluster without the ClusterPolicy CRD has none, and that is no error;
// a forbidden LIST is recorded, not fatal; any other failure is the read's
// error, as one sentence.
func TestLoadClusterPolicies(t *testing.T) {
	gr := ClusterPolicyGVR.GroupResource()
	for _, c := range []struct {
		name      string
		fail      error
		forbidden bool
		err       string
	}{
		{"no CRD", apierrors.NewNotFound(gr, ""), false, ""},
		{"forbidden", apierrors.NewForbidden(gr, "", nil), true, ""},
		{"broken", apierrors.NewInternalError(errString("etcd is gone")), false, "listing the GPU operator's ClusterPolicies"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl := snapshottest.New(world()...).Fail("clusterpolicies", c.fail)
			s, err := Load(t.Context(), cl.Clients(t), Spec{ClusterPolicies: true, Nodes: true})
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || len(s.ClusterPolicies) != 0 || s.ClusterPoliciesForbidden != c.forbidden || len(s.Nodes) != 3 {
				t.Fatalf("err %v snapshot %+v", err, s)
			}
		})
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// everySpec asks for every read there is.
func everySpec(ns string) Spec {
	return Spec{
		LeaseNamespace: "lease", Namespace: ns, ProviderNamespace: "akash-services",
		Manifests: true, ProviderHosts: true, ProviderLeasedIPs: true, LeaseNamespaces: true, Pods: true,
		Deployments: true, ReplicaSets: true, StatefulSets: true, Events: true, ProviderPods: true, Nodes: true,
		ProviderSecrets: true, ProviderSecretSelector: "owner=helm", ProviderConfigMaps: true,
		DaemonSets: true, AllPods: true, ClusterPolicies: true,
		NamespacePods: map[string]string{"gpu-operator": "", "kube-system": "app=nvdp"},
	}
}

// The generated RBAC allows exactly what Load reads: every request Load
// makes is a list the rules allow in its namespace (or cluster-wide), and
// every rule is used by some request. Checked against the requests Load
// really sent, so a read added to the table without its rule (or the
// reverse) fails here.
func TestRulesCoverExactlyTheReads(t *testing.T) {
	for _, ns := range []string{"", "lease-1"} {
		spec := everySpec(ns)
		c := snapshottest.New(world()...)
		if _, err := Load(t.Context(), c.Clients(t), spec); err != nil {
			t.Fatal(err)
		}
		type grant struct{ ns, group, resource string }
		allowed := map[grant]bool{}
		for _, r := range spec.Rules() {
			if strings.Join(r.Verbs, ",") != "list" {
				t.Errorf("rule %+v: reads need list, nothing else", r)
			}
			for _, res := range r.Resources {
				allowed[grant{r.Namespace, r.APIGroups[0], res}] = false
			}
		}
		for _, req := range c.Requests() {
			g := requestGrant(t, req)
			used := grant{g[0], g[1], g[2]}
			if _, ok := allowed[used]; !ok {
				t.Errorf("ns %q: %s is not allowed by the rules %+v", ns, req, spec.Rules())
				continue
			}
			allowed[used] = true
		}
		for g, used := range allowed {
			if !used {
				t.Errorf("ns %q: rule %+v allows a read Load never made", ns, g)
			}
		}
	}
}

// requestGrant is the namespace, group and resource of a LIST request.
func requestGrant(t *testing.T, req string) [3]string {
	t.Helper()
	path, _, _ := strings.Cut(strings.TrimPrefix(req, "GET "), "?")
	parts := strings.Split(strings.Trim(path, "/"), "/")
	group := ""
	if parts[0] == "apis" {
		group = parts[1]
		parts = parts[3:]
	} else {
		parts = parts[2:]
	}
	if len(parts) == 3 {
		return [3]string{parts[1], group, parts[2]}
	}
	return [3]string{"", group, parts[0]}
}

// A scheduled command's rules: its reads, joined with its writes into the
// fewest rules, in a stable order.
func TestRulesMergeWithWrites(t *testing.T) {
	spec := Spec{LeaseNamespaces: true, Pods: true, PodPhase: corev1.PodFailed}
	got := schedule.Merge(spec.Rules(), []schedule.Rule{schedule.Writes("", "", "pods", "delete"), {APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"get"}}})
	want := []schedule.Rule{
		{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"get", "list"}},
		{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"delete", "list"}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if strings.Join(got[i].Resources, ",") != strings.Join(want[i].Resources, ",") || strings.Join(got[i].Verbs, ",") != strings.Join(want[i].Verbs, ",") || got[i].Namespace != "" {
			t.Errorf("rule %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestLeasePodsFromEveryPod: when every pod is read, the lease pods are
// taken from it instead of listed again — but only when they are wanted
// whole and from everywhere, which every pod holds; otherwise each is its
// own LIST.
func TestLeasePodsFromEveryPod(t *testing.T) {
	objs := []runtime.Object{
		pod("lease-1", "web-1", "n1", map[string]string{akash.LabelManaged: "true"}),
		pod("lease-2", "api-1", "n2", map[string]string{akash.LabelManaged: "true"}),
		pod("kube-system", "coredns-1", "n1", nil),
	}
	for _, tc := range []struct {
		name  string
		spec  Spec
		lists int
		pods  int // lease pods read
	}{
		{"every pod and every lease pod", Spec{Pods: true, AllPods: true}, 1, 2},
		{"the lease pods of one namespace", Spec{Pods: true, AllPods: true, Namespace: "lease-1"}, 2, 1},
		{"a label selector", Spec{Pods: true, AllPods: true, Selector: "app=web"}, 2, 0},
		{"the pods of one node", Spec{Pods: true, AllPods: true, PodNodes: []string{"n1"}}, 2, 2},
		{"the pods of two nodes", Spec{Pods: true, AllPods: true, PodNodes: []string{"n1", "n2"}}, 2, 2},
		{"pending lease pods", Spec{Pods: true, AllPods: true, PodPhase: corev1.PodPending}, 2, 0},
		{"phases only", Spec{Pods: true, AllPods: true, PodPhasesOnly: true}, 2, 2},
		{"the lease pods alone", Spec{Pods: true}, 1, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := snapshottest.New(objs...)
			snap, err := Load(t.Context(), c.Clients(t), tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(c.Requests()); got != tc.lists || len(tc.spec.Reads()) != tc.lists {
				t.Errorf("%d LISTs (%d reads), want %d: %v", got, len(tc.spec.Reads()), tc.lists, c.Requests())
			}
			if len(snap.Pods) != tc.pods {
				t.Errorf("%d lease pods, want %d: %v", len(snap.Pods), tc.pods, snap.Pods)
			}
			for _, p := range snap.Pods {
				if p.Labels[akash.LabelManaged] != "true" {
					t.Errorf("%s/%s is not a lease pod", p.Namespace, p.Name)
				}
			}
		})
	}
}
