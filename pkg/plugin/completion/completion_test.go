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

// meta names an object and labels it with key/value pairs.
func meta(namespace, name string, kv ...string) metav1.ObjectMeta {
	m := metav1.ObjectMeta{Namespace: namespace, Name: name, Labels: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Labels[kv[i]] = kv[i+1]
	}
	return m
}

func cluster() []runtime.Object {
	managed, owner, app := akash.LabelManaged, akash.LabelLeaseOwner, akash.LabelProviderApp
	return []runtime.Object{
		&corev1.Node{ObjectMeta: meta("", "worker-1")},
		&corev1.Node{ObjectMeta: meta("", "cp-1")},
		&corev1.Namespace{ObjectMeta: meta("", "lease-a", managed, "true", owner, owner1)},
		&corev1.Namespace{ObjectMeta: meta("", "lease-b", managed, "true", owner, owner1)},
		&corev1.Namespace{ObjectMeta: meta("", "lease-c", managed, "true", owner, owner2)},
		// Lease namespace without an owner label: no owner to offer.
		&corev1.Namespace{ObjectMeta: meta("", "lease-d", managed, "true")},
		// Not a lease namespace: its owner is not a tenant with leases here.
		&corev1.Namespace{ObjectMeta: meta("", "tools", owner, "akash1notalease")},
		&corev1.Namespace{ObjectMeta: meta("", "akash-services")},
		&corev1.Pod{ObjectMeta: meta("akash-services", "akash-provider-0", app, akash.ProviderApp)},
		&corev1.Pod{ObjectMeta: meta("akash-services", "operator-inventory-0", "app", "inventory")},
		&corev1.Pod{ObjectMeta: meta("other", "akash-provider-9", app, akash.ProviderApp)},
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
