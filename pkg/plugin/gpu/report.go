package gpu

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Kind names of the result objects.
const (
	Kind     = "GPUNode"
	ListKind = "GPUNodeList"
)

// GPUNode is one node's GPU report; metadata.name is the node.
type GPUNode struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Status            Status `json:"status"`
}

// GPUNodeList is the command's result: one item per node.
type GPUNodeList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []GPUNode `json:"items"`
}

// NewList is an empty, typed list.
func NewList() *GPUNodeList {
	return &GPUNodeList{TypeMeta: output.ListMeta(Kind), Items: []GPUNode{}}
}

// Status is what the node and the cluster say about the node's GPUs.
type Status struct {
	// Management is how the node's GPU stack is run: ManagedByOperator
	// (the NVIDIA GPU operator's pods) or ManagedByHost (host packages).
	Management string `json:"management,omitempty"`
	// Operator is the GPU operator's state on the node (operator nodes).
	Operator *OperatorNode `json:"operator,omitempty"`
	// NvidiaSmi is the nvidia-smi that ran, as a host path
	// (/run/nvidia/driver/usr/bin/nvidia-smi on an operator node).
	NvidiaSmi string `json:"nvidiaSmi,omitempty"`
	// GPUs are the GPUs nvidia-smi lists, with their MIG devices.
	GPUs []GPU `json:"gpus,omitempty"`
	// DriverVersion is the user-space driver (nvidia-smi's driver_version,
	// or the library version the kernel log's API mismatch names).
	DriverVersion string `json:"driverVersion,omitempty"`
	// KernelModuleVersion is the loaded kernel module's, from
	// /proc/driver/nvidia/version.
	KernelModuleVersion string `json:"kernelModuleVersion,omitempty"`
	// CUDAVersion is the highest CUDA version the driver supports.
	CUDAVersion string `json:"cudaVersion,omitempty"`
	// DeviceNodes are the /dev/nvidia* files present on the host.
	DeviceNodes []string `json:"deviceNodes,omitempty"`
	// FabricManager is set on NVSwitch (SXM) systems.
	FabricManager *FabricManager `json:"fabricManager,omitempty"`
	// Xids and SXids are the kernel log's GPU and NVSwitch errors, grouped.
	Xids  []XidGroup `json:"xids,omitempty"`
	SXids []XidGroup `json:"sxids,omitempty"`
	// Cluster is the node object's and the device plugin's side (absent with --local).
	Cluster *ClusterSide `json:"cluster,omitempty"`
	// Findings are every problem found, with the fix to apply.
	Findings []Finding `json:"findings,omitempty"`
	// Verdict sums the findings up (see Verdict*).
	Verdict string `json:"verdict"`
	// Error says why the node could not be checked.
	Error string `json:"error,omitempty"`
}

// GPU is one physical GPU.
type GPU struct {
	Index int    `json:"index"`
	Name  string `json:"name"`
	UUID  string `json:"uuid,omitempty"`
	// BusID is nvidia-smi's pci.bus_id (e.g. 00000000:5D:00.0).
	BusID     string `json:"busID,omitempty"`
	MemoryMiB int64  `json:"memoryMiB,omitempty"`
	MIG       []MIG  `json:"mig,omitempty"`
	// FabricState and FabricStatus come from nvidia-smi -q's Fabric block
	// ("N/A" on PCIe GPUs).
	FabricState  string `json:"fabricState,omitempty"`
	FabricStatus string `json:"fabricStatus,omitempty"`
}

// MIG is one MIG device of a GPU.
type MIG struct {
	Profile string `json:"profile"`
	Index   int    `json:"index"`
	UUID    string `json:"uuid"`
}

// FabricManager is the NVIDIA fabric manager of an NVSwitch system.
type FabricManager struct {
	Running bool   `json:"running"`
	Version string `json:"version,omitempty"`
}

// XidGroup counts one error code on one device (GPU or NVSwitch) in the
// kernel log.
type XidGroup struct {
	// Device is the PCI address as the kernel log writes it.
	Device string `json:"device"`
	// GPUIndex is nvidia-smi's index of that GPU, when it is still listed.
	GPUIndex *int  `json:"gpuIndex,omitempty"`
	Code     int   `json:"code"`
	Class    Class `json:"class"`
	Count    int   `json:"count"`
	// LastSeen is when the last one was logged (when the boot time is known);
	// LastSecondsSinceBoot is the raw kernel timestamp.
	LastSeen             *metav1.Time `json:"lastSeen,omitempty"`
	LastSecondsSinceBoot float64      `json:"lastSecondsSinceBoot,omitempty"`
	LastMessage          string       `json:"lastMessage"`
	// Process is the last pid=/name= the driver logged ("" when unknown).
	Process string `json:"process,omitempty"`
}

// ClusterSide is what the API server says about the node.
type ClusterSide struct {
	// Capacity and Allocatable are the node's nvidia.com/gpu (nil: absent).
	Capacity    *int64 `json:"capacity,omitempty"`
	Allocatable *int64 `json:"allocatable,omitempty"`
	// AkashModels are the models in the node's Akash GPU capability labels.
	AkashModels []string `json:"akashModels,omitempty"`
	// DevicePlugin is the device plugin pod on this node, if any.
	DevicePlugin *DevicePlugin `json:"devicePlugin,omitempty"`
	// Operator is the GPU operator's pods on the node and its
	// ClusterPolicy state (operator-managed nodes only).
	Operator *OperatorSide `json:"operator,omitempty"`
}

// DevicePlugin is the NVIDIA device plugin as it concerns one node.
type DevicePlugin struct {
	DaemonSet string `json:"daemonSet"`
	Version   string `json:"version,omitempty"`
	Pod       string `json:"pod,omitempty"`
	Ready     bool   `json:"ready"`
}
