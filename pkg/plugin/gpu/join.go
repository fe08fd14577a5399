package gpu

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/kubectl/pkg/util/podutils"
)

// Join adds the cluster's side to a node's report: the node's nvidia.com/gpu
// capacity and allocatable against the GPUs nvidia-smi sees, the device
// plugin's pod on the node, and the Akash GPU labels against the real model.
// It is pure: v was read once for every node.
func Join(n *GPUNode, v *ClusterView) {
	node := v.Nodes[n.Name]
	if node == nil || n.Status.Error != "" {
		return
	}
	s := &n.Status
	cs := &ClusterSide{Capacity: quantity(node.Status.Capacity), Allocatable: quantity(node.Status.Allocatable)}
	s.Cluster = cs
	models := AkashModels(node.Labels)
	for _, m := range models {
		cs.AkashModels = append(cs.AkashModels, m.Vendor+"/"+m.Model)
	}
	sort.Strings(cs.AkashModels)
	joinOperator(s, v.Operator, node.Name)
	smiRan := !s.Has(FindingNvidiaSmiMissing) && !s.Has(FindingNvidiaSmiFailed) && !s.Has(FindingDriverLibraryMismatch)
	if len(s.GPUs) == 0 && cs.Capacity == nil && len(models) == 0 {
		return // not a GPU node as far as anyone can tell; the agent's findings say so
	}
	devicePlugin(s, v, node.Name)
	capacity(s, cs, smiRan)
	labels(s, models, node.Name, smiRan)
}

// devicePlugin finds the node's device plugin pod and says whether it is Ready.
func devicePlugin(s *Status, v *ClusterView, node string) {
	if len(v.Plugins) == 0 && s.Management == ManagedByOperator {
		s.add(FindingDevicePluginMissing, SeverityError, "the GPU operator runs no device plugin DaemonSet (image *k8s-device-plugin*): the node cannot advertise nvidia.com/gpu",
			"set devicePlugin.enabled=true in the ClusterPolicy (helm upgrade gpu-operator ... --set devicePlugin.enabled=true) and check the operator's log for why it did not deploy it")
		return
	}
	if len(v.Plugins) == 0 {
		s.add(FindingDevicePluginMissing, SeverityError, "no NVIDIA device plugin DaemonSet (image *k8s-device-plugin*) in any namespace: the node cannot advertise nvidia.com/gpu",
			"helm repo add nvdp https://nvidia.github.io/k8s-device-plugin && helm upgrade -i nvdp nvdp/nvidia-device-plugin -n nvidia-device-plugin --create-namespace (with the nvidia runtime class set up in containerd)")
		return
	}
	var names []string
	for _, p := range v.Plugins {
		names = append(names, p.Namespace+"/"+p.Name)
		pod, ok := p.Pods[node]
		if !ok {
			continue
		}
		dp := &DevicePlugin{DaemonSet: p.Namespace + "/" + p.Name, Version: p.Version, Pod: pod.Name, Ready: podutils.IsPodReady(&pod)}
		s.Cluster.DevicePlugin = dp
		if !dp.Ready {
			s.add(FindingDevicePluginNotReady, SeverityError, fmt.Sprintf("device plugin pod %s/%s (%s) is not Ready: %s", p.Namespace, pod.Name, p.Version, podWhy(&pod)),
				fmt.Sprintf("kubectl -n %s logs %s; the usual causes are the nvidia container runtime not being containerd's default (or no RuntimeClass nvidia), and a broken driver (see the findings above)", p.Namespace, pod.Name))
		}
		return
	}
	s.add(FindingDevicePluginMissing, SeverityError, "no device plugin pod runs on this node (DaemonSet "+strings.Join(names, ", ")+")",
		"check the DaemonSet's nodeSelector/affinity (the chart's default wants the label nvidia.com/gpu.present=true, set by GPU feature discovery) and its tolerations against the node's taints")
}

// capacity compares nvidia.com/gpu with what nvidia-smi sees (whole GPUs,
// or MIG devices under the "single" MIG strategy).
func capacity(s *Status, cs *ClusterSide, smiRan bool) {
	if !smiRan {
		return
	}
	gpus, migs, whole := len(s.GPUs), 0, 0
	for _, g := range s.GPUs {
		migs += len(g.MIG)
		if len(g.MIG) == 0 {
			whole++
		}
	}
	capN := int64(0)
	if cs.Capacity != nil {
		capN = *cs.Capacity
	}
	if gpus > 0 && capN != int64(gpus) && (migs == 0 || (capN != int64(migs) && capN != int64(whole+migs) && capN != int64(whole))) {
		s.add(FindingCapacityMismatch, SeverityError, fmt.Sprintf("the node advertises nvidia.com/gpu %d but nvidia-smi sees %d GPU(s)%s: leases cannot get the missing ones", capN, gpus, migNote(migs)),
			"restart the device plugin pod on this node (kubectl delete pod); if the number stays wrong, read its log for GPUs it could not initialise")
	}
	if cs.Capacity != nil && cs.Allocatable != nil && *cs.Allocatable < *cs.Capacity {
		s.add(FindingUnhealthyGPUs, SeverityError, fmt.Sprintf("%d of %d GPU(s) are marked unhealthy by the device plugin (allocatable %d)", *cs.Capacity-*cs.Allocatable, *cs.Capacity, *cs.Allocatable),
			"the device plugin saw a critical Xid: fix the GPU (see the Xid findings; reset or reboot), then restart the device plugin pod so it re-registers healthy GPUs")
	}
}

func migNote(migs int) string {
	if migs == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d MIG device(s))", migs)
}

// labels compares the Akash GPU labels with the GPUs' real model and count.
func labels(s *Status, models []AkashModel, node string, smiRan bool) {
	if len(models) == 0 {
		if len(s.GPUs) > 0 {
			s.add(FindingAkashLabelMissing, SeverityWarning, fmt.Sprintf("the node has %d %s but no %s... label: the provider does not offer them", len(s.GPUs), s.GPUs[0].Name, LabelGPUPrefix),
				fmt.Sprintf("kubectl label node %s %snvidia.model.<model>=%d (lower-case model, e.g. t4, a100, h100), or fix the inventory operator's GPU discovery", node, LabelGPUPrefix, len(s.GPUs)))
		}
		return
	}
	if !smiRan {
		return // the driver findings already say why the GPUs are unknown
	}
	for _, m := range models {
		if m.Vendor != "nvidia" {
			continue
		}
		count := 0
		for _, g := range s.GPUs {
			if ModelMatches(m.Model, g.Name) {
				count++
			}
		}
		want, numeric := strconv.Atoi(m.Value)
		switch {
		case count == 0:
			s.add(FindingAkashLabelMismatch, SeverityError, fmt.Sprintf("the node is labelled as having nvidia %s GPUs but nvidia-smi sees %s", m.Model, seenModels(s.GPUs)),
				"fix the label (kubectl label node "+node+" --overwrite ...) so tenants who bid for this model get it; leases for the wrong model fail or get the wrong GPU")
		case numeric == nil && want != count:
			s.add(FindingAkashLabelMismatch, SeverityError, fmt.Sprintf("the node is labelled with %d nvidia %s GPU(s) but nvidia-smi sees %d", want, m.Model, count),
				"fix the label's count (kubectl label node "+node+" --overwrite ...)")
		}
	}
}

func seenModels(gpus []GPU) string {
	if len(gpus) == 0 {
		return "no GPU"
	}
	count := map[string]int{}
	var names []string
	for _, g := range gpus {
		if count[g.Name] == 0 {
			names = append(names, g.Name)
		}
		count[g.Name]++
	}
	var parts []string
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%d × %s", count[n], n))
	}
	return strings.Join(parts, ", ")
}

// podWhy is the first waiting container's reason, or the pod's phase.
func podWhy(p *corev1.Pod) string {
	for _, c := range p.Status.ContainerStatuses {
		if w := c.State.Waiting; w != nil && w.Reason != "" {
			return w.Reason
		}
	}
	return string(p.Status.Phase)
}
