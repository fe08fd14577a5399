package gpu

import (
	"context"
	"strings"

	"golang.org/x/sync/errgroup"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// ResourceGPU is the extended resource the NVIDIA device plugin advertises.
const ResourceGPU corev1.ResourceName = "nvidia.com/gpu"

// LabelGPUPrefix starts Akash's GPU capability labels:
// akash.network/capabilities.gpu.vendor.<vendor>.model.<model>[.ram.<size>][.interface.<if>]=<count>.
const LabelGPUPrefix = "akash.network/capabilities.gpu.vendor."

// devicePluginImage identifies the NVIDIA device plugin whatever installed
// it (its Helm chart, the static manifest, the GPU operator).
const devicePluginImage = "k8s-device-plugin"

// ClusterView is the cluster side, read once: every node, every NVIDIA
// device plugin DaemonSet with its pods, and the GPU operator.
type ClusterView struct {
	Nodes   map[string]*corev1.Node
	Plugins []Plugin
	// Operator is nil when the cluster has neither a ClusterPolicy CRD nor
	// an operator DaemonSet.
	Operator *OperatorView
}

// Plugin is one device plugin DaemonSet and its pods by node.
type Plugin struct {
	Name, Namespace, Version string
	Pods                     map[string]corev1.Pod
}

// ReadCluster lists the nodes, the DaemonSets of all namespaces and the GPU
// operator's ClusterPolicies (in parallel), then the pods of each device
// plugin DaemonSet by its selector and the pods of the operator's namespace:
// 3 LISTs plus one per device plugin DaemonSet and one per operator
// namespace (usually one each), whatever the number of nodes.
func ReadCluster(ctx context.Context, c *cli.Clients) (*ClusterView, error) {
	var nodes []corev1.Node
	var dss []appsv1.DaemonSet
	var policies []ClusterPolicy
	var policyProblem string
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		policies, policyProblem, err = readClusterPolicies(gctx, c)
		return err
	})
	g.Go(func() error {
		l, err := c.Kube.CoreV1().Nodes().List(gctx, metav1.ListOptions{})
		if err != nil {
			return cli.ExplainList(err, schema.GroupVersionResource{Version: "v1", Resource: "nodes"}, "nodes")
		}
		nodes = l.Items
		return nil
	})
	g.Go(func() error {
		l, err := c.Kube.AppsV1().DaemonSets("").List(gctx, metav1.ListOptions{})
		if err != nil {
			return cli.ExplainList(err, schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "daemonsets"}, "DaemonSets in all namespaces")
		}
		dss = l.Items
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	v := &ClusterView{Nodes: map[string]*corev1.Node{}}
	for i := range nodes {
		v.Nodes[nodes[i].Name] = &nodes[i]
	}
	var operatorDSs []*appsv1.DaemonSet
	for i := range dss {
		if isOperatorDaemonSet(&dss[i]) {
			operatorDSs = append(operatorDSs, &dss[i])
		}
	}
	// The operator's pods first: its device plugin's pods come with them,
	// so that DaemonSet costs no LIST of its own.
	operatorPods := map[types.UID]map[string]corev1.Pod{}
	if len(operatorDSs) > 0 || len(policies) > 0 || policyProblem != "" {
		op := &OperatorView{Policies: policies, PolicyError: policyProblem}
		var err error
		if op.DaemonSets, err = readOperatorPods(ctx, c, operatorDSs); err != nil {
			return nil, err
		}
		for i, ds := range op.DaemonSets {
			operatorPods[ds.uid] = op.DaemonSets[i].Pods
		}
		v.Operator = op
	}
	for i := range dss {
		ds := &dss[i]
		version, ok := devicePluginVersion(ds)
		if !ok || ds.Spec.Selector == nil {
			continue
		}
		p := Plugin{Name: ds.Name, Namespace: ds.Namespace, Version: version, Pods: map[string]corev1.Pod{}}
		if pods, read := operatorPods[ds.UID]; read {
			p.Pods = pods
			v.Plugins = append(v.Plugins, p)
			continue
		}
		sel, err := metav1.LabelSelectorAsSelector(ds.Spec.Selector)
		if err != nil {
			continue
		}
		pods, err := c.Kube.CoreV1().Pods(ds.Namespace).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
		if err != nil {
			return nil, cli.ExplainList(err, schema.GroupVersionResource{Version: "v1", Resource: "pods"}, "the device plugin's pods in namespace "+ds.Namespace)
		}
		for _, pod := range pods.Items {
			if ownedBy(&pod, ds.UID) && pod.Spec.NodeName != "" {
				p.Pods[pod.Spec.NodeName] = pod
			}
		}
		v.Plugins = append(v.Plugins, p)
	}
	return v, nil
}

// devicePluginVersion is the tag of the DaemonSet's device plugin image.
func devicePluginVersion(ds *appsv1.DaemonSet) (string, bool) {
	for _, c := range ds.Spec.Template.Spec.Containers {
		if strings.Contains(c.Image, devicePluginImage) {
			ref := c.Image
			if at := strings.Index(ref, "@"); at >= 0 {
				ref = ref[:at]
			}
			if colon := strings.LastIndex(ref, ":"); colon > strings.LastIndex(ref, "/") {
				return ref[colon+1:], true
			}
			return "", true
		}
	}
	return "", false
}

func ownedBy(pod *corev1.Pod, uid types.UID) bool {
	for _, o := range pod.OwnerReferences {
		if o.UID == uid && o.Kind == "DaemonSet" {
			return true
		}
	}
	return false
}

// IsGPUNode says whether --all checks the node: it advertises nvidia.com/gpu
// or carries an Akash GPU capability label.
func IsGPUNode(n *corev1.Node) bool {
	if q, ok := n.Status.Capacity[ResourceGPU]; ok && !q.IsZero() {
		return true
	}
	for k := range n.Labels {
		if strings.HasPrefix(k, LabelGPUPrefix) {
			return true
		}
	}
	return false
}

// AkashModel is one Akash GPU label: the vendor, the model and the value
// (a GPU count, or "true").
type AkashModel struct {
	Vendor, Model, Value string
}

// AkashModels reads a node's Akash GPU labels.
func AkashModels(labels map[string]string) []AkashModel {
	var out []AkashModel
	for k, v := range labels {
		rest, ok := strings.CutPrefix(k, LabelGPUPrefix)
		if !ok {
			continue
		}
		vendor, rest, ok := strings.Cut(rest, ".model.")
		if !ok {
			continue
		}
		model, _, _ := strings.Cut(rest, ".")
		out = append(out, AkashModel{Vendor: vendor, Model: model, Value: v})
	}
	return out
}

// ModelMatches says whether an Akash model name ("t4", "h100", "a6000",
// "rtx4090") names the GPU nvidia-smi reports ("Tesla T4", "NVIDIA H100 80GB
// HBM3", "NVIDIA RTX A6000", "NVIDIA GeForce RTX 4090"): the model must
// appear in the name once vendor words, spaces and dashes are dropped.
func ModelMatches(model, gpuName string) bool {
	n := strings.ToLower(gpuName)
	for _, w := range []string{"nvidia", "tesla", "geforce"} {
		n = strings.ReplaceAll(n, w, "")
	}
	var b strings.Builder
	for _, r := range n {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	m := strings.ToLower(model)
	return m != "" && strings.Contains(b.String(), m)
}

// quantity is a node's nvidia.com/gpu in a resource list, or nil.
func quantity(l corev1.ResourceList) *int64 {
	q, ok := l[ResourceGPU]
	if !ok {
		return nil
	}
	v := q.Value()
	return &v
}
