package gpu

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/kubectl/pkg/util/podutils"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// ClusterPolicyGVR is the GPU operator's one cluster-wide configuration
// object; its status.state is "ready" once every component is.
var ClusterPolicyGVR = snapshot.ClusterPolicyGVR

// OperatorNamespace is the namespace the Akash docs and NVIDIA's chart
// install the operator into.
const OperatorNamespace = "gpu-operator"

// OperatorView is the GPU operator as the API server shows it, read once
// for every node.
type OperatorView struct {
	// Policies are the ClusterPolicy objects; none when the CRD is absent
	// (not an operator cluster) or unreadable (PolicyError says why).
	Policies    []ClusterPolicy
	PolicyError string
	// DaemonSets are the operator's DaemonSets with their pods by node.
	DaemonSets []OperatorDaemonSet
}

// ClusterPolicy is one nvidia.com/v1 ClusterPolicy and its state.
type ClusterPolicy struct {
	Name  string `json:"name"`
	State string `json:"state"`
}

// OperatorDaemonSet is one DaemonSet of the operator and its pods by node.
type OperatorDaemonSet struct {
	Namespace, Name string
	Pods            map[string]corev1.Pod
	uid             types.UID
}

// OperatorSide is the operator as it concerns one node.
type OperatorSide struct {
	ClusterPolicies []ClusterPolicy `json:"clusterPolicies,omitempty"`
	// Pods are the operator's pods on the node, one per DaemonSet.
	Pods []OperatorPod `json:"pods,omitempty"`
}

// OperatorPod is one operator pod on the node.
type OperatorPod struct {
	DaemonSet string `json:"daemonSet"`
	Pod       string `json:"pod"`
	Ready     bool   `json:"ready"`
	// Why is the waiting container's reason or the phase when not Ready.
	Why string `json:"why,omitempty"`
}

// clusterPolicies are the ClusterPolicies the snapshot read, by name. A
// cluster without the CRD is not an operator cluster; one where the list
// is forbidden is reported, not fatal (the rest of the check still holds).
func clusterPolicies(s *snapshot.Snapshot) (policies []ClusterPolicy, problem string) {
	if s.ClusterPoliciesForbidden {
		return nil, "listing clusterpolicies.nvidia.com is forbidden: the operator's overall state is unknown"
	}
	for _, u := range s.ClusterPolicies {
		state, _, _ := unstructured.NestedString(u.Object, "status", "state")
		policies = append(policies, ClusterPolicy{Name: u.GetName(), State: state})
	}
	sort.Slice(policies, func(i, j int) bool { return policies[i].Name < policies[j].Name })
	return policies, ""
}

// isOperatorDaemonSet tells the operator's DaemonSets (the driver, the
// toolkit, the device plugin, the validator, the fabric manager inside the
// driver pod, GPU feature discovery, DCGM, the MIG manager) from others: the
// operator owns them through its ClusterPolicy (or NVIDIADriver), and its
// chart labels them part of gpu-operator.
func isOperatorDaemonSet(ds *appsv1.DaemonSet) bool {
	for _, o := range ds.OwnerReferences {
		if strings.HasPrefix(o.APIVersion, "nvidia.com/") && (o.Kind == "ClusterPolicy" || o.Kind == "NVIDIADriver") {
			return true
		}
	}
	if ds.Labels["app.kubernetes.io/part-of"] == "gpu-operator" {
		return true
	}
	return ds.Namespace == OperatorNamespace && (strings.HasPrefix(ds.Name, "nvidia-") || ds.Name == "gpu-feature-discovery")
}

// operatorDaemonSets files the pods of the operator's namespaces (read
// whole, PodsSpec) under their DaemonSet and node.
func operatorDaemonSets(dss []*appsv1.DaemonSet, pods map[string][]corev1.Pod) []OperatorDaemonSet {
	var out []OperatorDaemonSet
	for _, ds := range dss {
		out = append(out, OperatorDaemonSet{Namespace: ds.Namespace, Name: ds.Name, Pods: podsByNode(pods[ds.Namespace], ds.UID), uid: ds.UID})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Namespace+"/"+out[i].Name < out[j].Namespace+"/"+out[j].Name })
	return out
}

// criticalOperatorComponent says whether a not-Ready pod of this DaemonSet
// keeps GPU leases from running (the driver, the toolkit, the device
// plugin, the validator) rather than only degrading the node (feature
// discovery, metrics, the MIG manager).
func criticalOperatorComponent(ds string) bool {
	for _, w := range []string{"driver", "toolkit", "device-plugin", "operator-validator", "fabricmanager"} {
		if strings.Contains(ds, w) {
			return true
		}
	}
	return false
}

// joinOperator adds the operator's pods on the node and the ClusterPolicy
// state, and names the node operator-managed when the operator runs pods on
// it even if its files do not show it yet.
func joinOperator(s *Status, op *OperatorView, node string) {
	if op == nil || (len(op.DaemonSets) == 0 && len(op.Policies) == 0) {
		return
	}
	side := &OperatorSide{ClusterPolicies: op.Policies}
	for _, ds := range op.DaemonSets {
		pod, ok := ds.Pods[node]
		if !ok {
			continue
		}
		p := OperatorPod{DaemonSet: ds.Namespace + "/" + ds.Name, Pod: pod.Name, Ready: podutils.IsPodReady(&pod)}
		if !p.Ready {
			p.Why = podWhy(&pod)
			sev := SeverityWarning
			if criticalOperatorComponent(ds.Name) {
				sev = SeverityError
			}
			s.add(FindingOperatorPodNotReady, sev, fmt.Sprintf("GPU operator pod %s/%s (DaemonSet %s) is not Ready on this node: %s", ds.Namespace, pod.Name, ds.Name, p.Why),
				fmt.Sprintf("kubectl -n %s describe pod %s; kubectl -n %s logs %s --all-containers (its init containers wait for the validator's files under /%s)", ds.Namespace, pod.Name, ds.Namespace, pod.Name, validationsDir))
		}
		side.Pods = append(side.Pods, p)
	}
	if len(side.Pods) > 0 {
		s.Management = ManagedByOperator
	}
	if s.Management != ManagedByOperator {
		return // a host-managed node in a cluster that also has operator nodes
	}
	s.Cluster.Operator = side
	if len(side.Pods) == 0 && len(op.DaemonSets) > 0 {
		s.add(FindingOperatorPodMissing, SeverityError, "the node has the GPU operator's files but no operator pod runs on it: nothing keeps its driver, toolkit or device plugin up",
			"check the node's nvidia.com/gpu.deploy.* labels (false disables a component) and taints against the operator's DaemonSets, or remove /run/nvidia left over from an uninstalled operator")
	}
	if op.PolicyError != "" {
		s.add(FindingClusterPolicyUnknown, SeverityInfo, op.PolicyError, "grant list on clusterpolicies.nvidia.com to see the operator's overall state")
	}
	for _, p := range op.Policies {
		if p.State != "ready" {
			s.add(FindingClusterPolicyNotReady, SeverityWarning, fmt.Sprintf("ClusterPolicy %s is %s: some operator component is not ready on some node", p.Name, stateOr(p.State)),
				"kubectl describe clusterpolicy "+p.Name+" and the not-Ready operator pods (kubectl -n "+OperatorNamespace+" get pods)")
		}
	}
}

// stateOr quotes a ClusterPolicy's state, or says it has none yet.
func stateOr(state string) string {
	if state == "" {
		return "without a state yet"
	}
	return strconv.Quote(state)
}
