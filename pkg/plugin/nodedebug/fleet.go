package nodedebug

import (
	"context"
	"errors"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// Options configure the debug pods.
type Options struct {
	// Namespace the debug pods run in (--debug-namespace, default kube-system).
	Namespace string
	// Image runs the agent (--image); it must contain this program.
	Image string
	// Parallel bounds how many nodes are worked on at once (--parallel).
	Parallel int
	// PodTimeout bounds how long a pod may take to start (--pod-timeout).
	PodTimeout time.Duration
}

// NodeResult is one node's answer to Run.
type NodeResult struct {
	Node string
	// Stdout is what the agent printed: its JSON report.
	Stdout []byte
	// Stderr is what the agent printed on stderr.
	Stderr string
	// Err says why this node has no report (NotReady, pod did not start, exec
	// failed, the agent exited non-zero...); the other nodes are unaffected.
	Err error
}

// ErrNotImplemented marks the skeleton until the debug-pod runner lands.
var ErrNotImplemented = errors.New("node-debug: running checks in debug pods is not implemented yet")

// Run runs argv (the agent's command line, e.g. ["kubectl-akash", "agent",
// "zombies", "--host-root=/host"]) in a debug pod on each node, at most
// o.Parallel at a time, and returns one result per node in the order given.
func Run(ctx context.Context, c *cli.Clients, o Options, nodes []string, argv []string) []NodeResult {
	out := make([]NodeResult, len(nodes))
	for i, n := range nodes {
		out[i] = NodeResult{Node: n, Err: ErrNotImplemented}
	}
	return out
}

// SelectNodes resolves the nodes to work on: the names given, every node
// (all), or the nodes matching a label selector — one LIST. Nodes that are
// not Ready come back as results with Err set, so they are reported while
// the others are checked.
func SelectNodes(ctx context.Context, c *cli.Clients, names []string, all bool, selector string) (ready []string, problems []NodeResult, err error) {
	return nil, nil, ErrNotImplemented
}

// DefaultImage is the image the release pipeline publishes for this version.
func DefaultImage() string {
	return "ghcr.io/kubectl-akash/kubectl-akash:" + imageTag()
}
