package gpu

import (
	"os"
	"path/filepath"
)

// How a node's GPU stack is managed.
const (
	// ManagedByOperator: the NVIDIA GPU operator runs the driver (or at
	// least validates it), the container toolkit and the device plugin as
	// pods; the host may have no nvidia-smi at all.
	ManagedByOperator = "operator"
	// ManagedByHost: the driver, the toolkit and the fabric manager are
	// host packages, the device plugin a DaemonSet of its own.
	ManagedByHost = "host"
)

// validationsDir is where the GPU operator's validator writes one status
// file per component it has validated on the node (nvidia-validator's
// default output directory). The directory exists on every node the
// operator manages, whether it runs the driver or validates a host one.
const validationsDir = "run/nvidia/validations"

// hostDriverReady is written instead of the driver container's readiness
// when the operator found a driver preinstalled on the host
// (driver.enabled=false).
const hostDriverReady = "host-driver-ready"

// operatorValidations are the status files the validator writes on a
// working node, in the order the components come up, with how bad each
// one's absence is: without driver-ready and toolkit-ready the device
// plugin's and every GPU pod's init containers wait forever; cuda-ready
// and plugin-ready come last, from test workloads.
var operatorValidations = []struct {
	Name     string
	Severity Severity
	Means    string
}{
	{"driver-ready", SeverityError, "the driver is not validated: the operator's driver pod has not finished installing or loading it, and every other operator component waits for it"},
	{"toolkit-ready", SeverityError, "the container toolkit is not validated: containerd cannot start GPU containers, and the device plugin waits for it"},
	{"plugin-ready", SeverityWarning, "the device plugin is not validated: the validator's test pod could not get nvidia.com/gpu on this node"},
	{"cuda-ready", SeverityWarning, "no CUDA workload has been validated: the validator's CUDA test pod did not succeed on this node"},
}

// OperatorNode is what the node's own files say of the GPU operator.
type OperatorNode struct {
	// DriverRoot is the driver container's root on the host
	// (/run/nvidia/driver) when it holds the driver's tools; "" when the
	// driver is the host's.
	DriverRoot string `json:"driverRoot,omitempty"`
	// HostDriver is true when the validator found a host-installed driver
	// (host-driver-ready): the operator manages the rest of the stack only.
	HostDriver bool `json:"hostDriver,omitempty"`
	// Validations are the validator's status files present under
	// /run/nvidia/validations; Missing the expected ones that are not.
	Validations []string `json:"validations,omitempty"`
	Missing     []string `json:"missing,omitempty"`
}

// operatorNode reads the operator's state on the host: nil when the node
// shows no sign of the operator (no validations directory and no driver
// container root with nvidia-smi).
func operatorNode(root string, host Host) *OperatorNode {
	dir := filepath.Join(root, validationsDir)
	fi, err := os.Stat(dir)
	hasDir := err == nil && fi.IsDir()
	driverRootSMI := host.inDriverRoot("nvidia-smi")
	if !hasDir && !driverRootSMI {
		return nil
	}
	op := &OperatorNode{}
	if driverRootSMI {
		op.DriverRoot = "/" + driverRoot
	}
	if hasDir {
		entries, _ := os.ReadDir(dir)
		present := map[string]bool{}
		for _, e := range entries {
			if !e.IsDir() {
				present[e.Name()] = true
				op.Validations = append(op.Validations, e.Name())
			}
		}
		op.HostDriver = present[hostDriverReady]
		for _, v := range operatorValidations {
			if !present[v.Name] {
				op.Missing = append(op.Missing, v.Name)
			}
		}
	} else {
		for _, v := range operatorValidations {
			op.Missing = append(op.Missing, v.Name)
		}
	}
	return op
}

// operatorFindings turns the missing validations into findings, each
// naming the file and the component behind it.
func operatorFindings(s *Status) {
	op := s.Operator
	if op == nil {
		return
	}
	missing := map[string]bool{}
	for _, m := range op.Missing {
		missing[m] = true
	}
	for _, v := range operatorValidations {
		if !missing[v.Name] {
			continue
		}
		s.add(FindingOperatorValidationMissing, v.Severity, "/"+validationsDir+"/"+v.Name+" is missing: "+v.Means,
			"kubectl -n <gpu-operator namespace> logs the nvidia-operator-validator pod on this node (its init container for that component says what it waits for), and the pod of the component's DaemonSet on this node")
	}
}
