package e2e

import (
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// TestCompletionOfNodesOwnersAndPods completes, through cobra's
// __complete, the arguments that come from the cluster: node names for the
// certs commands, namespaces for --debug-namespace, the tenants with
// leases for --owner, and the provider pods for provider logs --pod.
func TestCompletionOfNodesOwnersAndPods(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "completion-owners")
	l := fixture.NewLease(t.Name(), 6200, fixture.Web("nginx:1.27.0"))
	seedLeases(t, c, leaseNS, []fixture.Lease{l}, nil)
	providerNS := c.Namespace(t, "completion-provider")
	for _, name := range []string{"akash-provider-0", "akash-provider-1", "inventory-0"} {
		app := "akash-provider"
		if name == "inventory-0" {
			app = "inventory"
		}
		if _, err := c.Kube().CoreV1().Pods(providerNS).Create(t.Context(), &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": app}},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "provider", Image: "provider:stand-in"}}},
		}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	words := func(args ...string) []string {
		return completionWords(kubectlAkash(t, c, runOpts{}, append([]string{"__complete"}, args...)...).ok(t))
	}

	for _, args := range [][]string{
		{"certs", "check", "kwok-node-"},
		{"certs", "renew", "kwok-node-"},
		{"certs", "renew", "--node", "kwok-node-"},
	} {
		if got := words(args...); len(got) != c.Nodes || got[0] != "kwok-node-0" {
			t.Errorf("__complete %q = %v, want the %d kwok nodes", args, got, c.Nodes)
		}
	}
	// A node already named is not offered again.
	if got := words("certs", "check", "kwok-node-0", "kwok-node-"); slices.Contains(got, "kwok-node-0") || len(got) != c.Nodes-1 {
		t.Errorf("certs check kwok-node-0 then %v", got)
	}
	for _, cmd := range [][]string{{"certs", "check"}, {"certs", "renew"}, {"node-debug", "zombies"}} {
		prefix := providerNS[:len(providerNS)-1]
		if got := words(append(cmd, "--debug-namespace", prefix)...); !slices.Contains(got, providerNS) || slices.Contains(got, leaseNS) {
			t.Errorf("%v --debug-namespace %s: %v, want %s", cmd, prefix, got, providerNS)
		}
	}
	owner := l.ID.Owner
	for _, cmd := range [][]string{{"leases", "list"}, {"leases", "close"}} {
		if got := words(append(cmd, "--owner", owner[:12])...); !slices.Contains(got, owner) {
			t.Errorf("%v --owner %s: %v lacks %s", cmd, owner[:12], got, owner)
		}
		if got := words(append(cmd, "--owner", "akash1nosuchtenant")...); len(got) != 0 {
			t.Errorf("%v --owner akash1nosuchtenant: %v", cmd, got)
		}
	}
	if got := words("provider", "logs", "--provider-namespace", providerNS, "--pod", ""); !slices.Equal(got, []string{"akash-provider-0", "akash-provider-1"}) {
		t.Errorf("provider logs --pod: %v, want the two akash-provider pods", got)
	}
	if got := words("leases", "close", "--dry-run="); !slices.Equal(got, []string{"none", "client", "server"}) {
		t.Errorf("--dry-run=: %v", got)
	}
}

// completionWords are the words a __complete run suggests, without their
// descriptions and without cobra's closing directive line.
func completionWords(r result) []string {
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if !strings.HasPrefix(line, ":") {
			out = append(out, strings.SplitN(line, "\t", 2)[0])
		}
	}
	return out
}
