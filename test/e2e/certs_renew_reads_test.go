package e2e

import (
	"net/http"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

// certs renew reads the nodes it renews once, in one LIST, and a node
// that is not there stops it before any debug pod is made for the nodes
// that are: nothing is probed, nothing created.
func TestCertsRenewReadsTheNodesOnce(t *testing.T) {
	c := cluster.Get(t)
	debugNS := c.Namespace(t, "certs-renew-reads")
	nodes, err := c.Kube().CoreV1().Nodes().List(t.Context(), metav1.ListOptions{})
	if err != nil || len(nodes.Items) == 0 {
		t.Fatalf("no node to name: %v", err)
	}
	node := nodes.Items[0].Name

	calls := &requestCounter{}
	cfg := c.RESTConfig()
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { return &countingTransport{next: rt, counter: calls} }
	r := kubectlAkash(t, c, runOpts{config: cfg}, "certs", "renew", node, "no-such-node", "--debug-namespace", debugNS, "--yes")
	if r.code != cli.ExitFailure || !strings.Contains(r.stderr, `nodes "no-such-node" not found`) {
		t.Fatalf("an unknown node: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := calls.summary(); got != "LIST nodes 1" {
		t.Errorf("want one LIST of the nodes and nothing else (no GET per node, no debug pod): %s", got)
	}
	noDebugPods(t, c, debugNS)
}
