package gpu_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu/fakehost"
)

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var now = time.Date(2024, 10, 1, 12, 0, 0, 0, time.UTC)

func collect(t *testing.T, h *fakehost.Host, o gpu.Options) gpu.Status {
	t.Helper()
	n := gpu.Collect(context.Background(), agent.Env{HostRoot: h.Root, ProcRoot: h.Proc, NodeName: "gpu-1", Now: func() time.Time { return now }}, o)
	n.Status.Assess()
	if n.Name != "gpu-1" || n.Kind != gpu.Kind {
		t.Errorf("object %s/%s", n.Kind, n.Name)
	}
	return n.Status
}

func findings(s gpu.Status) map[string]gpu.Finding {
	m := map[string]gpu.Finding{}
	for _, f := range s.Findings {
		m[f.Code] = f
	}
	return m
}

// devices creates /dev/nvidia* files (regular files stand in for the device nodes).
func devices(h *fakehost.Host, names ...string) {
	for _, n := range names {
		h.File("dev/"+n, "", 0)
	}
}

// A healthy PCIe T4 node: nvidia-smi really runs chrooted in the root, the
// versions agree, the device nodes exist, the kernel log is clean.
func TestCollectHealthyT4(t *testing.T) {
	h := fakehost.New(t)
	h.Tool("nvidia-smi",
		fakehost.Case{Args: "-L", Output: fixture(t, "smi-L-t4.txt")},
		fakehost.Case{Args: "--query-gpu=*", Output: "0, GPU-faa48437-7587-4bc1-c772-8bd099dba462, Tesla T4, 535.104.05, 15360, 00000000:00:04.0\n"},
		fakehost.Case{Args: "-q", Output: fixture(t, "smi-q-t4-pcie.txt")})
	h.ProcFile("driver/nvidia/version", fixture(t, "proc-version.txt"))
	devices(h, "nvidia0", "nvidiactl", "nvidia-uvm", "nvidia-uvm-tools")
	h.File("var/log/kern.log", "[    5.123456] NVRM: loading NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 01:15:15 UTC 2023\n", 0)

	s := collect(t, h, gpu.Options{KernelLog: "/var/log/kern.log"})
	if s.Verdict != gpu.VerdictHealthy || len(s.Findings) != 0 {
		t.Fatalf("verdict %s, findings %+v", s.Verdict, s.Findings)
	}
	if len(s.GPUs) != 1 || s.GPUs[0].Name != "Tesla T4" || s.GPUs[0].BusID != "00000000:00:04.0" || s.GPUs[0].MemoryMiB != 15360 || s.GPUs[0].FabricState != "N/A" {
		t.Errorf("GPUs %+v", s.GPUs)
	}
	if s.DriverVersion != "535.104.05" || s.KernelModuleVersion != "535.104.05" || s.CUDAVersion != "12.2" || s.FabricManager != nil {
		t.Errorf("status %+v", s)
	}
	calls := strings.Join(h.Calls(), "|")
	if calls != "nvidia-smi -L|nvidia-smi --query-gpu=index,uuid,name,driver_version,memory.total,pci.bus_id --format=csv,noheader,nounits|nvidia-smi -q" {
		t.Errorf("the stand-in was run as %q", calls)
	}
}

// An H100 SXM node whose fabric manager is missing and at the wrong version,
// with a GPU fallen off the bus and an API mismatch long fixed (nvidia-smi
// works and the versions agree now, so it is not reported).
func TestCollectSXMFabricAndXids(t *testing.T) {
	h := fakehost.New(t)
	h.Tool("nvidia-smi",
		fakehost.Case{Args: "-L", Output: "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-c08d91cb-e324-655c-71ba-7570956445bc)\nGPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901)\n"},
		fakehost.Case{Args: "--query-gpu=*", Output: fixture(t, "smi-csv-h100x2.txt")},
		fakehost.Case{Args: "-q", Output: fixture(t, "smi-q-h100-sxm.txt")})
	h.Tool("nv-fabricmanager", fakehost.Case{Args: "--version", Output: "Fabric Manager version is : 550.120\n"})
	h.Tool("journalctl", fakehost.Case{Args: "-u nvidia-fabricmanager*", Output: fixture(t, "fabricmanager-journal.txt")})
	h.ProcFile("driver/nvidia/version", fixture(t, "proc-version-open.txt"))
	h.ProcFile("uptime", "43200.00 100.00\n")
	h.Process("1", "systemd")
	devices(h, "nvidia0", "nvidia1", "nvidiactl", "nvidia-uvm", "nvidia-nvswitchctl", "nvidia-nvswitch0")
	h.File("kmsg.txt", fixture(t, "kmsg.txt"), 0)

	s := collect(t, h, gpu.Options{KernelLog: "kmsg.txt"})
	f := findings(s)
	if s.Verdict != gpu.VerdictUnhealthy {
		t.Errorf("verdict %s", s.Verdict)
	}
	for _, code := range []string{gpu.FindingFabricNotReady, gpu.FindingFabricManagerNotRunning, gpu.FindingFabricManagerMismatch, gpu.FindingXidCritical, gpu.FindingFallenOffBus, gpu.FindingSXid, gpu.FindingXidApplication, gpu.FindingXidOther} {
		if _, ok := f[code]; !ok {
			t.Errorf("no %s finding; got %+v", code, s.Findings)
		}
	}
	if _, ok := f[gpu.FindingDriverLibraryMismatch]; ok {
		t.Errorf("stale API mismatch reported: %+v", f[gpu.FindingDriverLibraryMismatch])
	}
	if m := f[gpu.FindingFabricManagerMismatch].Message; !strings.Contains(m, "550.120") || !strings.Contains(m, "550.127.05") {
		t.Errorf("mismatch message %q", m)
	}
	if fix := f[gpu.FindingFabricManagerNotRunning].Fix; !strings.Contains(fix, "nvidia-fabricmanager-550=550.127.05") {
		t.Errorf("fix %q", fix)
	}
	if m := f[gpu.FindingFabricNotReady].Message; !strings.Contains(m, "GPU 1") || !strings.Contains(m, "Error 802") {
		t.Errorf("fabric message %q", m)
	}
	if s.FabricManager == nil || s.FabricManager.Running || s.FabricManager.Version != "550.120" {
		t.Errorf("fabric manager %+v", s.FabricManager)
	}
	// Xid 79 on 0000:5d:00 is GPU 1 (bus 00000000:5D:00.0). The log is a
	// saved file: its seconds since boot are not dated from this boot.
	var x79 *gpu.XidGroup
	for i, x := range s.Xids {
		if x.Code == 79 && x.Device == "0000:5d:00" {
			x79 = &s.Xids[i]
		}
	}
	if x79 == nil || x79.GPUIndex == nil || *x79.GPUIndex != 1 || x79.LastSeen != nil || x79.LastSecondsSinceBoot != 13 {
		t.Errorf("Xid 79: %+v", x79)
	}
	if m := f[gpu.FindingXidCritical].Message; !strings.Contains(m, "GPU 1 (0000:5d:00): Xid 79 seen 2 time(s), last at uptime 13 s") {
		t.Errorf("Xid 79 message %q", m)
	}
	// 0000:b3:00 fell off with the driver's own message, no Xid
	if m := f[gpu.FindingFallenOffBus].Message; m != "GPU 0000:b3:00 (PCI ID 10de:26b5) has fallen off the bus and is not responding to commands (logged 1 time(s), last at uptime 11 s)" {
		t.Errorf("fallen off message %q", m)
	}
	if !strings.Contains(f[gpu.FindingXidCritical].Fix, "nvidia-smi -r") {
		t.Errorf("critical fix %q", f[gpu.FindingXidCritical].Fix)
	}

	// The fabric manager running at the driver's version clears those two.
	h.Process("4242", "nv-fabricmanage")
	h.Tool("nv-fabricmanager", fakehost.Case{Args: "--version", Output: "Fabric Manager version is : 550.127.05\n"})
	h.Tool("journalctl", fakehost.Case{Args: "*", Output: ""})
	f = findings(collect(t, h, gpu.Options{KernelLog: "kmsg.txt"}))
	if _, ok := f[gpu.FindingFabricManagerNotRunning]; ok {
		t.Errorf("running fabric manager not seen: %+v", f)
	}
	if _, ok := f[gpu.FindingFabricManagerMismatch]; ok {
		t.Errorf("matching fabric manager reported: %+v", f[gpu.FindingFabricManagerMismatch])
	}
}

// "Failed to initialize NVML: Driver/library version mismatch" is a finding
// with both versions: the module's from /proc, the libraries' from the
// kernel log's API mismatch block.
func TestCollectDriverLibraryMismatch(t *testing.T) {
	h := fakehost.New(t)
	h.Tool("nvidia-smi", fakehost.Case{Args: "*", Output: fixture(t, "smi-nvml-mismatch.txt"), Code: 18})
	h.ProcFile("driver/nvidia/version", "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.161.07  Thu Feb  8 00:00:00 UTC 2024\n")
	h.File("kmsg.txt", fixture(t, "kmsg.txt"), 0)
	s := collect(t, h, gpu.Options{KernelLog: "/kmsg.txt"})
	f, ok := findings(s)[gpu.FindingDriverLibraryMismatch]
	if !ok || !strings.Contains(f.Message, "535.161.07") || !strings.Contains(f.Message, "535.171.04") || !strings.Contains(f.Fix, "reboot") {
		t.Fatalf("finding %+v in %+v", f, s.Findings)
	}
	if s.Verdict != gpu.VerdictUnhealthy || s.DriverVersion != "535.171.04" {
		t.Errorf("verdict %s driver %s", s.Verdict, s.DriverVersion)
	}
	if _, ok := findings(s)[gpu.FindingNvidiaSmiFailed]; ok {
		t.Error("the mismatch was also reported as a generic failure")
	}
}

// No nvidia-smi, a hung one, one that exits non-zero: findings, not crashes.
func TestCollectMissingHungAndFailingSmi(t *testing.T) {
	h := fakehost.New(t)
	s := collect(t, h, gpu.Options{KernelLog: "/none"})
	f := findings(s)
	if _, ok := f[gpu.FindingNvidiaSmiMissing]; !ok || s.Verdict != gpu.VerdictUnhealthy {
		t.Errorf("missing: %+v", s)
	}
	if _, ok := f[gpu.FindingKernelLogUnreadable]; !ok {
		t.Errorf("unreadable kernel log not reported: %+v", s.Findings)
	}

	h.Tool("nvidia-smi", fakehost.Case{Args: "*", Sleep: "5", Output: ""})
	began := time.Now()
	s = collect(t, h, gpu.Options{Timeout: 300 * time.Millisecond, KernelLog: "/none"})
	if took := time.Since(began); took > 4*time.Second {
		t.Errorf("a hung nvidia-smi held the check for %s", took)
	}
	if f := findings(s)[gpu.FindingNvidiaSmiFailed]; !strings.Contains(f.Message, "did not finish") {
		t.Errorf("hung: %+v", s.Findings)
	}

	h.Tool("nvidia-smi", fakehost.Case{Args: "*", Output: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n", Code: 9})
	s = collect(t, h, gpu.Options{KernelLog: "/none"})
	if f := findings(s)[gpu.FindingNvidiaSmiFailed]; !strings.Contains(f.Message, "couldn't communicate") {
		t.Errorf("failing: %+v", s.Findings)
	}
}

// Working nvidia-smi but no /dev/nvidia-uvm: CUDA cannot run.
func TestCollectMissingDeviceNodes(t *testing.T) {
	h := fakehost.New(t)
	h.Tool("nvidia-smi",
		fakehost.Case{Args: "-L", Output: fixture(t, "smi-L-t4.txt")},
		fakehost.Case{Args: "*", Code: 0, Output: ""})
	devices(h, "nvidia0", "nvidiactl")
	h.File("k.log", "", 0)
	f := findings(collect(t, h, gpu.Options{KernelLog: "k.log"}))
	if d := f[gpu.FindingDeviceNodesMissing]; !strings.Contains(d.Message, "/dev/nvidia-uvm") || strings.Contains(d.Message, "nvidiactl") {
		t.Errorf("device nodes: %+v", f)
	}
}

// Only the live kernel log is dated from this boot (/proc/uptime): the same
// lines in a saved file say "at uptime N s", as their boot is unknown. A
// driver 570+ fallen-off-the-bus message is the finding for that GPU.
func TestCollectKernelLogDating(t *testing.T) {
	h := fakehost.New(t)
	h.ProcFile("uptime", "43200.00 100.00\n")
	h.Process("1", "systemd")
	log := "[ 1843.308145] NVRM: The NVIDIA GPU 0000:b3:00.0\n" +
		"               NVRM: (PCI ID: 10de:26b5) installed in this system has\n" +
		"               NVRM: fallen off the bus and is not responding to commands.\n"
	h.File("dev/kmsg", log, 0) // a regular file stands in for the device
	h.File("var/log/kern.log", log, 0)

	live := findings(collect(t, h, gpu.Options{}))[gpu.FindingFallenOffBus]
	if live.Message != "GPU 0000:b3:00 (PCI ID 10de:26b5) has fallen off the bus and is not responding to commands (logged 1 time(s), last at 2024-10-01T00:30:43Z)" ||
		live.Severity != gpu.SeverityError {
		t.Errorf("live: %+v", live)
	}
	saved := findings(collect(t, h, gpu.Options{KernelLog: "/var/log/kern.log"}))[gpu.FindingFallenOffBus]
	if saved.Message != "GPU 0000:b3:00 (PCI ID 10de:26b5) has fallen off the bus and is not responding to commands (logged 1 time(s), last at uptime 1843 s)" {
		t.Errorf("saved: %+v", saved)
	}
}
