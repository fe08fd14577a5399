package gpu

import (
	"context"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
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

// ClusterSpec is ReadCluster's first read: every node, the DaemonSets of
// all namespaces and the GPU operator's ClusterPolicies, in parallel.
func ClusterSpec() snapshot.Spec {
	return snapshot.Spec{Nodes: true, DaemonSets: true, ClusterPolicies: true}
}

// PodsSpec is ReadCluster's second read, decided by the first: the pods of
// each namespace that holds an operator DaemonSet (its device plugin's
// pods come with them, so that DaemonSet costs no LIST of its own), and of
// each other device plugin DaemonSet's namespace by the DaemonSet's
// selector (every pod of the namespace when two of them share it). One
// LIST per namespace, whatever the number of nodes.
func PodsSpec(first *snapshot.Snapshot) snapshot.Spec {
	pods := map[string]string{}
	operatorNS := map[string]bool{}
	for i := range first.DaemonSets {
		if ds := &first.DaemonSets[i]; isOperatorDaemonSet(ds) {
			operatorNS[ds.Namespace] = true
			pods[ds.Namespace] = ""
		}
	}
	for i := range first.DaemonSets {
		ds := &first.DaemonSets[i]
		if _, ok := devicePluginVersion(ds); !ok || ds.Spec.Selector == nil || operatorNS[ds.Namespace] {
			continue
		}
		sel, err := metav1.LabelSelectorAsSelector(ds.Spec.Selector)
		if err != nil {
			continue
		}
		if prev, seen := pods[ds.Namespace]; seen && prev != sel.String() {
			pods[ds.Namespace] = ""
			continue
		}
		pods[ds.Namespace] = sel.String()
	}
	return snapshot.Spec{NamespacePods: pods}
}

// ReadCluster reads the cluster side through two snapshot reads: the
// nodes, DaemonSets and ClusterPolicies (ClusterSpec: 3 LISTs), then the
// pods of the device plugin and operator namespaces (PodsSpec: one LIST
// per namespace, usually one), whatever the number of nodes.
func ReadCluster(ctx context.Context, c *cli.Clients) (*ClusterView, error) {
	first, err := snapshot.Load(ctx, c, ClusterSpec())
	if err != nil {
		return nil, err
	}
	pods := &snapshot.Snapshot{}
	if spec := PodsSpec(first); len(spec.NamespacePods) > 0 {
		if pods, err = snapshot.Load(ctx, c, spec); err != nil {
			return nil, err
		}
	}
	return View(first, pods), nil
}

// View joins ReadCluster's two reads: each node, each device plugin with
// its pods by node, and the operator (nil when the cluster has neither a
// ClusterPolicy nor an operator DaemonSet, and may read ClusterPolicies).
func View(first, pods *snapshot.Snapshot) *ClusterView {
	v := &ClusterView{Nodes: map[string]*corev1.Node{}}
	for i := range first.Nodes {
		v.Nodes[first.Nodes[i].Name] = &first.Nodes[i]
	}
	var operatorDSs []*appsv1.DaemonSet
	for i := range first.DaemonSets {
		if isOperatorDaemonSet(&first.DaemonSets[i]) {
			operatorDSs = append(operatorDSs, &first.DaemonSets[i])
		}
	}
	policies, problem := clusterPolicies(first)
	operatorPods := map[types.UID]map[string]corev1.Pod{}
	if len(operatorDSs) > 0 || len(policies) > 0 || problem != "" {
		op := &OperatorView{Policies: policies, PolicyError: problem, DaemonSets: operatorDaemonSets(operatorDSs, pods.NamespacePods)}
		for i, ds := range op.DaemonSets {
			operatorPods[ds.uid] = op.DaemonSets[i].Pods
		}
		v.Operator = op
	}
	for i := range first.DaemonSets {
		ds := &first.DaemonSets[i]
		version, ok := devicePluginVersion(ds)
		if !ok || ds.Spec.Selector == nil {
			continue
		}
		if _, err := metav1.LabelSelectorAsSelector(ds.Spec.Selector); err != nil {
			continue
		}
		p := Plugin{Name: ds.Name, Namespace: ds.Namespace, Version: version, Pods: map[string]corev1.Pod{}}
		if read, ok := operatorPods[ds.UID]; ok {
			p.Pods = read
		} else {
			p.Pods = podsByNode(pods.NamespacePods[ds.Namespace], ds.UID)
		}
		v.Plugins = append(v.Plugins, p)
	}
	return v
}

// podsByNode files the DaemonSet's pods under their node.
func podsByNode(pods []corev1.Pod, ds types.UID) map[string]corev1.Pod {
	out := map[string]corev1.Pod{}
	for _, pod := range pods {
		if ownedBy(&pod, ds) && pod.Spec.NodeName != "" {
			out[pod.Spec.NodeName] = pod
		}
	}
	return out
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
