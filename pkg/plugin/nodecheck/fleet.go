package nodecheck

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/zombies"
)

// FleetOptions are RunOnNodes'.
type FleetOptions struct {
	// Debug configures the debug pods (namespace, image, parallelism,
	// timeouts).
	Debug nodedebug.Options
	// Only and Skip select checks by name (see Select).
	Only, Skip []string
	// Check is passed to every node's checks; RunOnNodes adds each node's
	// pods and kubelet configuration.
	Check Options
	// Pods, when PodsKnown, are every pod the caller listed (all
	// namespaces): each node's pod UIDs go to the checks that compare what
	// is on the node with what the API server has there (mounts). Without
	// them those checks go by the node's own cgroups.
	Pods      []corev1.Pod
	PodsKnown bool
}

// NodeError is a node without a report: why its checks could not run.
type NodeError struct {
	Node string
	Err  error
}

func (e *NodeError) Error() string { return fmt.Sprintf("node %s: %v", e.Node, e.Err) }
func (e *NodeError) Unwrap() error { return e.Err }

// RunOnNodes runs the selected checks on each node through one debug pod
// per node, running `kubectl-akash agent checks` once in it, at most
// o.Debug.Parallel nodes at a time. When a selected check needs the
// kubelet's configuration, each node's is read first through the API
// server (one GET of nodes/NODE/proxy/configz per node); a failed read is
// reported by those checks, the others run. It returns the reports of the
// nodes that answered, in the order given, and one *NodeError per node
// that did not. Every debug pod is deleted before it returns.
func RunOnNodes(ctx context.Context, c *cli.Clients, nodes []string, o FleetOptions) ([]Report, []error) {
	checks, err := Select(o.Only, o.Skip)
	if err != nil {
		return nil, []error{err}
	}
	needsKubelet := false
	for _, ch := range checks {
		needsKubelet = needsKubelet || ch.Kubelet
	}
	byNode := podUIDsByNode(o.Pods)
	argvFor := func(ctx context.Context, node string) ([]string, error) {
		opts := o.Check
		if o.PodsKnown {
			opts.PodsKnown, opts.PodUIDs = true, byNode[node]
		}
		if needsKubelet {
			kc, err := KubeletConfig(ctx, c.Kube, node)
			if err != nil {
				opts.KubeletError = err.Error()
			}
			opts.Kubelet = kc
		}
		return Agent.Argv(Request{Only: o.Only, Skip: o.Skip, Options: opts}), nil
	}
	var reports []Report
	var errs []error
	for _, res := range nodedebug.RunEach(ctx, c, o.Debug, nodes, argvFor) {
		rep, err := decode(res)
		if err != nil {
			errs = append(errs, &NodeError{Node: res.Node, Err: err})
			continue
		}
		reports = append(reports, rep)
	}
	return reports, errs
}

// podUIDsByNode groups by node the UIDs the node's cgroups and pods
// directories carry (a static pod's config hash as well as its mirror's UID).
func podUIDsByNode(pods []corev1.Pod) map[string][]string {
	out := map[string][]string{}
	for uid, p := range zombies.PodsByCgroupUID(pods) {
		if p.Spec.NodeName != "" {
			out[p.Spec.NodeName] = append(out[p.Spec.NodeName], uid)
		}
	}
	return out
}
