package nodecheck

import (
	"os"
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu/fakehost"
)

// gpuHost is a host-managed 8 × H100 SXM node whose stand-in nvidia-smi
// answers with the real capture in the gpu package's testdata, chrooted
// into the root as on a node. module is the loaded kernel module's version
// (the capture's driver is 535.161.08); kernLog is the kernel log.
func gpuHost(t *testing.T, module, kernLog string) (*fakehost.Host, agent.Env) {
	h := fakehost.New(t)
	b, err := os.ReadFile("../gpu/testdata/nvidia-smi-q.h100x8.535.161.08.txt")
	if err != nil {
		t.Fatal(err)
	}
	list, csv := fakehost.SmiAnswers(string(b))
	h.Tool("nvidia-smi",
		fakehost.Case{Args: "-L", Output: list},
		fakehost.Case{Args: "--query-gpu=*", Output: csv},
		fakehost.Case{Args: "-q", Output: string(b)})
	h.Tool("nv-fabricmanager", fakehost.Case{Args: "--version", Output: "Fabric Manager version is : 535.161.08\n"})
	h.Process("4242", "nv-fabricmanage")
	h.ProcFile("driver/nvidia/version", "NVRM version: NVIDIA UNIX x86_64 Kernel Module  "+module+"  Thu Feb 22 22:46:46 UTC 2024\n")
	for _, d := range []string{"nvidiactl", "nvidia-uvm", "nvidia0", "nvidia1", "nvidia2", "nvidia3", "nvidia4", "nvidia5", "nvidia6", "nvidia7"} {
		h.File("dev/"+d, "", 0)
	}
	h.File("var/log/kern.log", kernLog, 0)
	return h, agent.Env{HostRoot: h.Root, ProcRoot: h.Proc, NodeName: "gpu-1"}
}

func runOn(t *testing.T, env agent.Env, name string, opts Options) Result {
	t.Helper()
	h := &host{t: t, env: env}
	return h.run(name, opts)
}

// A healthy 8 × H100 node: the check applies, finds nothing, counts 8 GPUs.
func TestGPUHealthyH100x8(t *testing.T) {
	_, env := gpuHost(t, "535.161.08", "")
	r := runOn(t, env, "gpu", Options{KernelLog: "/var/log/kern.log"})
	if r.Status != StatusOK {
		t.Fatalf("healthy node: %s %s %s %+v", r.Status, r.Reason, codes(r), r.Findings)
	}
	if v, _ := metricOf(r, "kubectl_akash_node_gpus", nil); v != 8 {
		t.Errorf("gpus metric %v, want 8", v)
	}
	if v, ok := metricOf(r, "kubectl_akash_node_gpu_healthy", nil); !ok || v != 1 {
		t.Errorf("healthy metric %v %v", v, ok)
	}
}

// The kernel module was upgraded under the libraries and GPU 3 fell off
// the bus: both are error findings with gpu's fix, and the node is not
// healthy.
func TestGPUMismatchAndFallenOffBus(t *testing.T) {
	_, env := gpuHost(t, "550.54.15", "[   13.000000] NVRM: Xid (PCI:0000:5d:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.\n")
	r := runOn(t, env, "gpu", Options{KernelLog: "/var/log/kern.log"})
	if r.Status != StatusFindings {
		t.Fatalf("status %s %s %s", r.Status, r.Reason, codes(r))
	}
	mm := findingOf(t, r, "NC801")
	if mm.Severity != SeverityError || !strings.Contains(mm.Message, "550.54.15") || !strings.Contains(mm.Fix, "reboot the node") {
		t.Errorf("driver mismatch: %+v", mm)
	}
	x := findingOf(t, r, "NC807")
	if x.Severity != SeverityError || !strings.Contains(x.Message, "Xid 79") || !strings.Contains(x.Fix, "nvidia-smi -r") {
		t.Errorf("Xid 79: %+v", x)
	}
	if v, _ := metricOf(r, "kubectl_akash_node_gpu_healthy", nil); v != 0 {
		t.Errorf("healthy metric %v, want 0", v)
	}
	if v, _ := metricOf(r, "kubectl_akash_node_gpu_xid_events", map[string]string{"device": "0000:5d:00", "xid": "79"}); v != 1 {
		t.Errorf("Xid metric %v, want 1: %+v", v, r.Metrics)
	}
}

// A node without a GPU: not applicable.
func TestGPUNotApplicableOnPlainNode(t *testing.T) {
	h := newHost(t)
	r := h.run("gpu", Options{})
	if r.Status != StatusNotApplicable || !strings.Contains(r.Reason, "no NVIDIA GPU") {
		t.Errorf("plain node: %s %q %s", r.Status, r.Reason, codes(r))
	}
}
