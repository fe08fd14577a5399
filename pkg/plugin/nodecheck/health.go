package nodecheck

import (
	"context"
	"errors"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/pager"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
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
}

// CheckNodes is `node-debug health` on a cluster: it lists the nodes (one
// LIST), the pods of all namespaces (one paged LIST: each node's pod UIDs
// for the mounts check, and the names of the pods findings point at) and
// the lease namespaces (one LIST), runs the checks on each Ready node
// through one debug pod (plus one GET of the kubelet's configz per node
// when a selected check reads it), and names every finding's pod and lease.
// Nodes that are not Ready or not found are errors of the list.
func CheckNodes(ctx context.Context, c *cli.Clients, sel NodeSelection, o FleetOptions) (*HealthList, error) {
	if _, err := Select(o.Only, o.Skip); err != nil {
		return nil, err
	}
	ready, problems, err := nodedebug.SelectNodes(ctx, c, sel.Names, sel.All, sel.Selector)
	if err != nil {
		return nil, err
	}
	pods, namespaces, err := ListPodsAndLeases(ctx, c)
	if err != nil {
		return nil, err
	}
	o.Pods, o.PodsKnown = pods, true
	reports, errs := RunOnNodes(ctx, c, ready, o)
	for _, p := range problems {
		errs = append(errs, &NodeError{Node: p.Node, Err: p.Err})
	}
	Attribute(reports, pods, namespaces)
	return NewHealthList(reports, errs), nil
}

// ListPodsAndLeases reads every pod (paged) and the lease namespaces
// (labelled akash.network=true): what Attribute names findings with.
func ListPodsAndLeases(ctx context.Context, c *cli.Clients) ([]corev1.Pod, []corev1.Namespace, error) {
	var pods []corev1.Pod
	err := pager.New(func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
		return c.Kube.CoreV1().Pods("").List(ctx, o)
	}).EachListItem(ctx, metav1.ListOptions{}, func(obj runtime.Object) error {
		pods = append(pods, *obj.(*corev1.Pod))
		return nil
	})
	if err != nil {
		return nil, nil, cli.Explain(err, "listing pods")
	}
	nss, err := c.Kube.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: akash.ManagedSelector().String()})
	if err != nil {
		return nil, nil, cli.Explain(err, "listing lease namespaces")
	}
	return pods, nss.Items, nil
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
