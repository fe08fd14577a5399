package cmd

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// complete runs `__complete args...` against a fake cluster holding objs
// and returns the suggested words (descriptions dropped) and the number of
// LIST calls it made.
func complete(t *testing.T, objs []runtime.Object, args ...string) (words []string, lists int) {
	t.Helper()
	return completeArgs(t, objs, append([]string{"__complete"}, args...))
}

// completeArgs is complete with the whole command line given.
func completeArgs(t *testing.T, objs []runtime.Object, args []string) (words []string, lists int) {
	t.Helper()
	kube := fake.NewClientset(objs...)
	kube.PrependReactor("list", "*", func(k8stesting.Action) (bool, runtime.Object, error) {
		lists++
		return false, nil, nil
	})
	var out, errOut bytes.Buffer
	g := &Globals{
		Globals: cli.Globals{
			Streams:     genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
			ClientsFunc: func() (*cli.Clients, error) { return &cli.Clients{Kube: kube}, nil },
		},
		Args: args,
	}
	root := NewRootCmdWithGlobals(g)
	root.SetArgs(args)
	if err := root.ExecuteContext(t.Context()); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) == 0 || lines[len(lines)-1] != ":4" {
		t.Fatalf("%v printed %q: want the no-file directive :4 last", args, out.String())
	}
	for _, l := range lines[:len(lines)-1] {
		w, _, _ := strings.Cut(l, "\t")
		words = append(words, w)
	}
	return words, lists
}

func TestCompletionFromTheCluster(t *testing.T) {
	const owner1, owner2 = "akash1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", "akash1zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
	leaseNS := func(name, owner string) *corev1.Namespace {
		return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
			akash.LabelManaged: "true", akash.LabelLeaseOwner: owner}}}
	}
	pod := func(ns, name string, labels map[string]string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels}}
	}
	provider := map[string]string{akash.LabelProviderApp: akash.ProviderApp}
	objs := []runtime.Object{
		&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "cp-1"}},
		&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "cp-2"}},
		&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "worker-1"}},
		leaseNS("lease-a", owner1), leaseNS("lease-b", owner1), leaseNS("lease-c", owner2),
		// Not a lease namespace: its owner label is not a tenant with leases here.
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "tools", Labels: map[string]string{akash.LabelLeaseOwner: "akash1notalease"}}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "akash-services"}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "debug-pods"}},
		pod("akash-services", "akash-provider-0", provider),
		pod("akash-services", "akash-provider-1", provider),
		pod("akash-services", "operator-inventory-0", map[string]string{"app": "inventory"}),
		pod("other", "akash-provider-0", provider),
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"certs", "check", "cp"}, []string{"cp-1", "cp-2"}},
		{[]string{"certs", "check", "cp-1", ""}, []string{"cp-2", "worker-1"}},
		{[]string{"certs", "renew", "c"}, []string{"cp-1", "cp-2"}},
		{[]string{"certs", "renew", "--node", "w"}, []string{"worker-1"}},
		{[]string{"node-debug", "zombies", "--debug-namespace", "d"}, []string{"debug-pods"}},
		{[]string{"certs", "check", "--debug-namespace", ""}, []string{"akash-services", "debug-pods", "lease-a", "lease-b", "lease-c", "tools"}},
		{[]string{"certs", "renew", "--debug-namespace", "akash"}, []string{"akash-services"}},
		{[]string{"leases", "list", "--owner", ""}, []string{owner1, owner2}},
		{[]string{"leases", "close", "--owner", "akash1z"}, []string{owner2}},
		{[]string{"provider", "logs", "--pod", ""}, []string{"akash-provider-0", "akash-provider-1"}},
		{[]string{"provider", "logs", "--provider-namespace", "other", "--pod", "a"}, []string{"akash-provider-0"}},
	} {
		got, lists := complete(t, objs, tc.args...)
		if !slices.Equal(got, tc.want) {
			t.Errorf("__complete %q = %q, want %q", tc.args, got, tc.want)
		}
		if lists != 1 {
			t.Errorf("__complete %q made %d LIST calls, want 1", tc.args, lists)
		}
	}
}

func TestCompletionOfDryRun(t *testing.T) {
	for _, args := range [][]string{
		{"leases", "close", "--dry-run="},
		{"certs", "renew", "--dry-run="},
		{"manifests", "heal", "--dry-run="},
	} {
		got, lists := complete(t, nil, args...)
		if !slices.Equal(got, []string{"none", "client", "server"}) || lists != 0 {
			t.Errorf("__complete %q = %q with %d LIST calls, want none client server and no call", args, got, lists)
		}
	}
}

// TestCompletionBehindGlobalFlags: cobra answers __complete behind global
// flags too, and so do the completions read from the cluster.
func TestCompletionBehindGlobalFlags(t *testing.T) {
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "worker-1"}}
	words, _ := complete(t, []runtime.Object{node}, "certs", "check", "work")
	behind, _ := completeArgs(t, []runtime.Object{node}, []string{"--request-timeout", "5s", "__complete", "certs", "check", "work"})
	if len(words) != 1 || words[0] != "worker-1" || fmt.Sprint(behind) != fmt.Sprint(words) {
		t.Errorf("__complete first: %q; behind a global flag: %q", words, behind)
	}
}
