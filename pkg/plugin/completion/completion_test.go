package completion

import (
	"context"
	"errors"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

const owner1, owner2 = "akash1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", "akash1zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"

func cluster() []runtime.Object {
	leaseNS := func(name, owner string) *corev1.Namespace {
		return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
			akash.LabelManaged: "true", akash.LabelLeaseOwner: owner}}}
	}
	pod := func(ns, name string, labels map[string]string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels}}
	}
	provider := map[string]string{akash.LabelProviderApp: akash.ProviderApp}
	return []runtime.Object{
		&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "worker-1"}},
		&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "cp-1"}},
		leaseNS("lease-a", owner1), leaseNS("lease-b", owner1), leaseNS("lease-c", owner2),
		// Lease namespace without an owner label: no owner to offer.
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "lease-d", Labels: map[string]string{akash.LabelManaged: "true"}}},
		// Not a lease namespace: its owner is not a tenant with leases here.
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "tools", Labels: map[string]string{akash.LabelLeaseOwner: "akash1notalease"}}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "akash-services"}},
		pod("akash-services", "akash-provider-0", provider),
		pod("akash-services", "operator-inventory-0", map[string]string{"app": "inventory"}),
		pod("other", "akash-provider-9", provider),
	}
}

func TestSources(t *testing.T) {
	for _, tc := range []struct {
		name   string
		src    Source
		prefix string
		want   []string
	}{
		{"lease namespaces", LeaseNamespaces, "", []string{"lease-a", "lease-b", "lease-c", "lease-d"}},
		{"namespaces", Namespaces, "", []string{"akash-services", "lease-a", "lease-b", "lease-c", "lease-d", "tools"}},
		{"namespaces by prefix", Namespaces, "akash", []string{"akash-services"}},
		// Two leases of owner1 give one candidate.
		{"owners", LeaseOwners, "", []string{owner1, owner2}},
		{"owners by prefix", LeaseOwners, "akash1z", []string{owner2}},
		{"provider pods", ProviderPods("akash-services"), "", []string{"akash-provider-0"}},
		{"provider pods of another namespace", ProviderPods("other"), "", []string{"akash-provider-9"}},
		{"nodes", Nodes, "", []string{"cp-1", "worker-1"}},
		{"no match", Nodes, "gpu", []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kube := fake.NewClientset(cluster()...)
			lists := 0
			kube.PrependReactor("list", "*", func(k8stesting.Action) (bool, runtime.Object, error) {
				lists++
				return false, nil, nil
			})
			got, err := Candidates(kube, tc.src, tc.prefix, nil)
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("= %q, %v; want %q", got, err, tc.want)
			}
			if lists != 1 {
				t.Errorf("%d LIST calls, want 1", lists)
			}
		})
	}
}

func TestCandidatesPassesTheErrorAndADeadline(t *testing.T) {
	boom := errors.New("connection refused")
	var hadDeadline bool
	got, err := Candidates(fake.NewClientset(), func(ctx context.Context, _ kubernetes.Interface) ([]string, error) {
		_, hadDeadline = ctx.Deadline()
		return []string{"x"}, boom
	}, "", nil)
	if !errors.Is(err, boom) || got != nil {
		t.Errorf("= %q, %v; want nil, %v", got, err, boom)
	}
	if !hadDeadline {
		t.Error("the read had no deadline: a shell would wait on an unreachable cluster")
	}
}

func TestFilter(t *testing.T) {
	for _, tc := range []struct {
		names, exclude []string
		prefix         string
		want           []string
	}{
		{nil, nil, "", []string{}},
		{[]string{"b", "a", "b"}, nil, "", []string{"a", "b"}},
		{[]string{"cp-2", "cp-1", "worker-1"}, []string{"cp-1"}, "cp", []string{"cp-2"}},
		{[]string{"a"}, []string{"a"}, "", []string{}},
	} {
		if got := Filter(tc.names, tc.prefix, tc.exclude); !slices.Equal(got, tc.want) || got == nil {
			t.Errorf("Filter(%q, %q, %q) = %#v, want %q", tc.names, tc.prefix, tc.exclude, got, tc.want)
		}
	}
}

func TestKubeconfig(t *testing.T) {
	raw := clientcmdapi.Config{
		Contexts:  map[string]*clientcmdapi.Context{"prod": {}, "lab": {}},
		Clusters:  map[string]*clientcmdapi.Cluster{"c1": {}},
		AuthInfos: map[string]*clientcmdapi.AuthInfo{"admin": {}},
	}
	for kind, want := range map[string][]string{
		"context": {"lab", "prod"}, "cluster": {"c1"}, "user": {"admin"}, "namespace": nil,
	} {
		got := Kubeconfig(raw, kind)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("Kubeconfig(%q) = %q, want %q", kind, got, want)
		}
	}
}
