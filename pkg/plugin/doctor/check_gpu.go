package doctor

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodecheck"
)

// gpuNodes are the nodes the GPU checks apply to.
func gpuNodes(in *Input) []string {
	var out []string
	for i := range in.Snapshot.Nodes {
		if gpu.IsGPUNode(&in.Snapshot.Nodes[i]) {
			out = append(out, in.Snapshot.Nodes[i].Name)
		}
	}
	return out
}

// clusterSideCodes are doctor's codes of the gpu findings the cluster
// alone tells; other cluster-side findings of the gpu package (the GPU
// operator's state) keep the gpu package's own code.
var clusterSideCodes = map[string]string{
	gpu.FindingDevicePluginMissing:  CodeDevicePluginMissing,
	gpu.FindingDevicePluginNotReady: CodeDevicePluginBroken,
	gpu.FindingUnhealthyGPUs:        CodeGPUsUnhealthy,
}

// nodeSideCodes are the gpu findings that compare the cluster with what
// the node's nvidia-smi sees: without the node's report they would be
// guesses, so they are left to node-debug gpu.
var nodeSideCodes = map[string]bool{
	gpu.FindingCapacityMismatch: true, gpu.FindingAkashLabelMismatch: true, gpu.FindingAkashLabelMissing: true,
}

// checkDevicePlugin joins each GPU node with the device plugins (gpu.Join,
// as node-debug gpu does, without the node's own report) and keeps what
// the cluster side says.
func checkDevicePlugin(in *Input) CheckResult {
	nodes := gpuNodes(in)
	if len(nodes) == 0 {
		return notApplicable("no node advertises nvidia.com/gpu or carries an akash.network/capabilities.gpu label")
	}
	if in.GPU == nil {
		return notApplicable("the device plugins were not read")
	}
	if in.GPU.Err != nil {
		return failed(in.GPU.Err.Error())
	}
	r := result(len(nodes))
	for _, name := range nodes {
		n := gpu.GPUNode{ObjectMeta: metav1.ObjectMeta{Name: name}}
		gpu.Join(&n, in.GPU.View)
		for _, f := range n.Status.Findings {
			if nodeSideCodes[f.Code] {
				continue
			}
			code, ok := clusterSideCodes[f.Code]
			if !ok {
				code = f.Code
			}
			r.Findings = append(r.Findings, Finding{Code: code, Severity: nodecheck.GPUSeverity(f.Severity), Node: name, Object: "node/" + name, Message: f.Message, Fix: f.Fix})
		}
	}
	return r
}
