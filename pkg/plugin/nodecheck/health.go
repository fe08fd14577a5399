package nodecheck

import (
	"context"
	"errors"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// Kind of `node-debug health`'s per-node object.
const Kind = "NodeHealth"

// Health is one node's report as a printable object.
type Health struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Status            HealthStatus `json:"status"`
}

// HealthStatus is the node's results, or why it has none.
type HealthStatus struct {
	Node    string   `json:"node"`
	Error   string   `json:"error,omitempty"`
	Results []Result `json:"results"`
}

// HealthList is every node's.
type HealthList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []Health `json:"items"`
}

// NewHealthList turns reports and the errors of nodes without one into the
// printable list, reports first in their order, then failed nodes.
func NewHealthList(reports []Report, errs []error) *HealthList {
	l := &HealthList{TypeMeta: output.ListMeta(Kind), Items: []Health{}}
	for _, r := range reports {
		l.Items = append(l.Items, Health{TypeMeta: output.TypeMeta(Kind), ObjectMeta: metav1.ObjectMeta{Name: r.Node},
			Status: HealthStatus{Node: r.Node, Results: r.Results}})
	}
	for _, err := range errs {
		node := ""
		var ne *NodeError
		if errors.As(err, &ne) {
			node, err = ne.Node, ne.Err
		}
		l.Items = append(l.Items, Health{TypeMeta: output.TypeMeta(Kind), ObjectMeta: metav1.ObjectMeta{Name: node},
			Status: HealthStatus{Node: node, Error: err.Error(), Results: []Result{}}})
	}
	return l
}

// ExitCode is the list's: 1 when a node or a check could not run, 3 when a
// check found a warning or an error, else 0.
func (l *HealthList) ExitCode() int {
	code := cli.ExitOK
	for _, h := range l.Items {
		if h.Status.Error != "" {
			return cli.ExitFailure
		}
		for _, r := range h.Status.Results {
			switch r.Status {
			case StatusError:
				return cli.ExitFailure
			case StatusFindings:
				code = cli.ExitFindings
			}
		}
	}
	return code
}

// NodeSelection is how nodes are chosen: names, or every node matching a
// label selector ("" with All: every node).
type NodeSelection struct {
	Names    []string
	All      bool
	Selector string
	// ChunkSize pages the node LIST (0: one request).
	ChunkSize int64
}

// CheckNodes is `node-debug health` on a cluster: it lists the nodes (one
// LIST), the pods (one paged LIST: each node's pod UIDs for the mounts
// check, and the names of the pods findings point at; one node's alone when
// one node is checked) and the lease namespaces (one LIST), runs the checks
// on each Ready node through one debug pod (plus one GET of the kubelet's
// configz per node when a selected check reads it), and names every
// finding's pod and lease. Nodes that are not Ready or not found are errors
// of the list.
func CheckNodes(ctx context.Context, c *cli.Clients, sel NodeSelection, o FleetOptions) (*HealthList, error) {
	if _, err := Select(o.Only, o.Skip); err != nil {
		return nil, err
	}
	ready, problems, err := nodedebug.SelectNodes(ctx, c, sel.Names, sel.All, sel.Selector, sel.ChunkSize)
	if err != nil {
		return nil, err
	}
	snap, err := snapshot.Load(ctx, c, AttributionSpec(ready))
	if err != nil {
		return nil, err
	}
	o.Pods, o.PodsKnown = snap.AllPods, true
	reports, errs := RunOnNodes(ctx, c, ready, o)
	for _, p := range problems {
		errs = append(errs, &NodeError{Node: p.Node, Err: p.Err})
	}
	Attribute(reports, snap.AllPods, snap.Namespaces)
	return NewHealthList(reports, errs), nil
}

// attributionChunk pages the pod LIST as kubectl does: a provider has
// thousands of pods.
const attributionChunk = 500

// AttributionSpec reads what Attribute names findings with: the pods of
// the nodes checked (every pod when nodes is empty or names several: one
// LIST either way) and the lease namespaces (labelled akash.network=true).
func AttributionSpec(nodes []string) snapshot.Spec {
	return snapshot.Spec{AllPods: true, PodNodes: nodes, LeaseNamespaces: true, ChunkSize: attributionChunk}
}

// ListPodsAndLeases reads every pod (paged) and the lease namespaces: what
// Attribute names findings with.
func ListPodsAndLeases(ctx context.Context, c *cli.Clients) ([]corev1.Pod, []corev1.Namespace, error) {
	snap, err := snapshot.Load(ctx, c, AttributionSpec(nil))
	if err != nil {
		return nil, nil, err
	}
	return snap.AllPods, snap.Namespaces, nil
}

// PodUIDs lists the pod UIDs the reports' findings carry.
func PodUIDs(reports []Report) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range reports {
		for _, res := range r.Results {
			for _, f := range res.Findings {
				if f.PodUID != "" && !seen[f.PodUID] {
					seen[f.PodUID] = true
					out = append(out, f.PodUID)
				}
			}
		}
	}
	return out
}
