package gpu_test

import (
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu/fakehost"
)

// h100x8 is the real 8 × H100 `nvidia-smi -q` capture.
const h100x8 = "nvidia-smi-q.h100x8.535.161.08.txt"

// operatorHost is a node after the GPU operator migration: no nvidia-smi on
// the host, the driver container's root at /run/nvidia/driver with its
// own nvidia-smi (a stand-in printing the real capture) and fabric
// manager, and the validator's status files named in ready.
func operatorHost(t *testing.T, ready ...string) (*fakehost.Host, *fakehost.Host) {
	h := fakehost.New(t)
	d := h.DriverRoot()
	q := fixture(t, h100x8)
	list, csv := fakehost.SmiAnswers(q)
	d.Tool("nvidia-smi",
		fakehost.Case{Args: "-L", Output: list},
		fakehost.Case{Args: "--query-gpu=*", Output: csv},
		fakehost.Case{Args: "-q", Output: q})
	d.Tool("nv-fabricmanager", fakehost.Case{Args: "--version", Output: "Fabric Manager version is : 535.161.08\n"})
	h.Process("4242", "nv-fabricmanage") // the kernel keeps 15 characters of comm
	h.ProcFile("driver/nvidia/version", "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.161.08  Thu Feb 22 22:46:46 UTC 2024\n")
	devices(h, "nvidiactl", "nvidia-uvm", "nvidia0", "nvidia1", "nvidia2", "nvidia3", "nvidia4", "nvidia5", "nvidia6", "nvidia7")
	h.File("run/nvidia/validations/.keep-dir", "", 0)
	for _, r := range ready {
		h.File("run/nvidia/validations/"+r, "", 0)
	}
	h.File("var/log/kern.log", "", 0)
	return h, d
}

// An operator node with every validation file: nvidia-smi runs from the
// driver root (the host has none), sees the 8 H100s of the capture, and
// the node is named operator-managed and Healthy.
func TestCollectOperatorNodeRunsTheDriverRootsNvidiaSmi(t *testing.T) {
	h, d := operatorHost(t, "driver-ready", "toolkit-ready", "plugin-ready", "cuda-ready")
	s := collect(t, h, gpu.Options{KernelLog: "/var/log/kern.log"})
	if s.Management != gpu.ManagedByOperator || s.Operator == nil || s.Operator.DriverRoot != "/run/nvidia/driver" || s.Operator.HostDriver {
		t.Fatalf("management %q operator %+v", s.Management, s.Operator)
	}
	if s.NvidiaSmi != "/run/nvidia/driver/usr/bin/nvidia-smi" {
		t.Errorf("nvidia-smi ran from %q, want the driver root's", s.NvidiaSmi)
	}
	if len(s.GPUs) != 8 || s.GPUs[7].Name != "NVIDIA H100 80GB HBM3" || s.DriverVersion != "535.161.08" || s.CUDAVersion != "12.2" {
		t.Fatalf("GPUs %d driver %s cuda %s: %+v", len(s.GPUs), s.DriverVersion, s.CUDAVersion, s.GPUs)
	}
	for _, g := range s.GPUs {
		if g.FabricState != "Completed" || g.FabricStatus != "Success" || g.BusID == "" {
			t.Errorf("GPU %+v", g)
		}
	}
	if len(s.Operator.Missing) != 0 || s.Verdict != gpu.VerdictHealthy {
		t.Fatalf("verdict %s missing %v findings %+v", s.Verdict, s.Operator.Missing, s.Findings)
	}
	if calls := strings.Join(d.Calls(), "|"); !strings.HasPrefix(calls, "nvidia-smi -L|") {
		t.Errorf("the driver root's nvidia-smi was not the one run: %q", calls)
	}
}

// Missing validation files are findings that name each file; the driver
// and the toolkit not validated make the node Unhealthy.
func TestCollectOperatorNodeReportsMissingValidations(t *testing.T) {
	h, _ := operatorHost(t, "driver-ready", "plugin-ready")
	s := collect(t, h, gpu.Options{KernelLog: "/var/log/kern.log"})
	if strings.Join(s.Operator.Missing, ",") != "toolkit-ready,cuda-ready" {
		t.Fatalf("missing %v", s.Operator.Missing)
	}
	var msgs []string
	for _, f := range s.Findings {
		if f.Code == gpu.FindingOperatorValidationMissing {
			msgs = append(msgs, string(f.Severity)+" "+f.Message)
		}
	}
	if len(msgs) != 2 || !strings.HasPrefix(msgs[0], "Error /run/nvidia/validations/toolkit-ready is missing") || !strings.HasPrefix(msgs[1], "Warning /run/nvidia/validations/cuda-ready is missing") {
		t.Fatalf("findings %q", msgs)
	}
	if s.Verdict != gpu.VerdictUnhealthy {
		t.Errorf("verdict %s", s.Verdict)
	}
}

// No nvidia-smi anywhere on an operator node: the finding points at the
// operator's driver pod, not at installing a host driver.
func TestCollectOperatorNodeWithoutDriverYet(t *testing.T) {
	h := fakehost.New(t)
	h.File("run/nvidia/validations/.keep-dir", "", 0)
	s := collect(t, h, gpu.Options{})
	f := findings(s)[gpu.FindingNvidiaSmiMissing]
	if s.Management != gpu.ManagedByOperator || !strings.Contains(f.Message, "GPU operator's driver root") || strings.Contains(f.Fix, "apt install") {
		t.Fatalf("management %s finding %+v", s.Management, f)
	}
	if strings.Join(s.Operator.Missing, ",") != "driver-ready,toolkit-ready,plugin-ready,cuda-ready" {
		t.Errorf("missing %v", s.Operator.Missing)
	}
}

// A host with its own driver and no operator file is host-managed, and
// host-driver-ready (the operator validating a preinstalled driver) is
// told apart from the driver container.
func TestCollectManagementOfHostNodes(t *testing.T) {
	h := fakehost.New(t)
	h.Tool("nvidia-smi", fakehost.Case{Args: "-L", Output: fixture(t, "smi-L-t4.txt")}, fakehost.Case{Args: "*", Output: ""})
	s := collect(t, h, gpu.Options{})
	if s.Management != gpu.ManagedByHost || s.Operator != nil || s.NvidiaSmi != "/usr/bin/nvidia-smi" {
		t.Fatalf("management %q operator %+v smi %q", s.Management, s.Operator, s.NvidiaSmi)
	}
	for _, r := range []string{"host-driver-ready", "driver-ready", "toolkit-ready", "plugin-ready", "cuda-ready"} {
		h.File("run/nvidia/validations/"+r, "", 0)
	}
	s = collect(t, h, gpu.Options{})
	if s.Management != gpu.ManagedByOperator || !s.Operator.HostDriver || s.Operator.DriverRoot != "" || len(s.Operator.Missing) != 0 {
		t.Fatalf("operator with a host driver: %q %+v", s.Management, s.Operator)
	}
}
