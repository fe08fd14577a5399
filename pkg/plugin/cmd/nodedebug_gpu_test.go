package cmd

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu/fakehost"
)

func TestGPUBadInputIsOneSentence(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"node-debug", "gpu"}, "choose the nodes one way"},
		{[]string{"node-debug", "gpu", "n1", "--all"}, "choose the nodes one way"},
		{[]string{"node-debug", "gpu", "--local", "--tool-timeout=0s"}, "--tool-timeout must be positive"},
		{[]string{"node-debug", "gpu", "--local", "-o", "yamll"}, "unknown output format"},
	} {
		_, stderr, code := runPlugin(t, c.args...)
		if code != cli.ExitFailure || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q, want one line with %q", c.args, code, stderr, c.want)
		}
	}
}

// t4Host is a fake host with one healthy T4 (see pkg/plugin/gpu/fakehost).
func t4Host(t *testing.T) *fakehost.Host {
	h := fakehost.New(t)
	h.Tool("nvidia-smi",
		fakehost.Case{Args: "-L", Output: "GPU 0: Tesla T4 (UUID: GPU-faa48437-7587-4bc1-c772-8bd099dba462)\n"},
		fakehost.Case{Args: "--query-gpu=*", Output: "0, GPU-faa48437-7587-4bc1-c772-8bd099dba462, Tesla T4, 535.104.05, 15360, 00000000:00:04.0\n"},
		fakehost.Case{Args: "-q", Output: "Driver Version                            : 535.104.05\nCUDA Version                              : 12.2\n"})
	h.ProcFile("driver/nvidia/version", "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 01:15:15 UTC 2023\n")
	for _, d := range []string{"nvidia0", "nvidiactl", "nvidia-uvm"} {
		h.File("dev/"+d, "", 0)
	}
	h.File("kern.log", "", 0)
	return h
}

// --local runs the whole check on a host root: a healthy node exits 0 with
// one table row; a critical Xid in the kernel log makes it exit 3, and -o
// json carries the finding and its fix.
func TestGPULocalExitCodes(t *testing.T) {
	h := t4Host(t)
	local := []string{"node-debug", "gpu", "--local", "--host-root", h.Root, "--proc-root", h.Proc, "--kernel-log", "/kern.log"}
	stdout, stderr, code := runPlugin(t, local...)
	if code != 0 || !strings.Contains(stdout, "1 × Tesla T4") || !strings.Contains(stdout, "Healthy") || !strings.Contains(stdout, "12.2") {
		t.Fatalf("healthy: exit %d\n%s%s", code, stdout, stderr)
	}

	if err := os.WriteFile(h.Root+"/kern.log", []byte("[ 7000.000000] NVRM: Xid (PCI:0000:00:04): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code = runPlugin(t, append(local, "-o", "json")...)
	if code != cli.ExitFindings {
		t.Fatalf("Xid 79: exit %d, want 3\n%s%s", code, stdout, stderr)
	}
	var l gpu.GPUNodeList
	if err := json.Unmarshal([]byte(stdout), &l); err != nil || l.Kind != gpu.ListKind || len(l.Items) != 1 {
		t.Fatalf("not a GPUNodeList: %v\n%s", err, stdout)
	}
	s := l.Items[0].Status
	if s.Verdict != gpu.VerdictUnhealthy || len(s.Findings) != 1 || s.Findings[0].Code != gpu.FindingXidCritical ||
		!strings.Contains(s.Findings[0].Message, "GPU 0") || !strings.Contains(s.Findings[0].Fix, "nvidia-smi -r -i 0") {
		t.Errorf("status %+v", s)
	}
}

// `agent gpu` is what debug pods run (its command line from the protocol,
// the roots moved to a synthetic host): JSON on stdout, exit 0 whatever it
// found.
func TestAgentGPUPrintsJSON(t *testing.T) {
	skipAgentOffLinux(t)
	h := fakehost.New(t)
	argv := append(gpu.Agent.Argv(gpu.Options{KernelLog: "/missing"})[1:], "--host-root", h.Root, "--proc-root", h.Proc, "--node-name", "n1")
	stdout, stderr, code := runPlugin(t, argv...)
	var n gpu.GPUNode
	if code != 0 || json.Unmarshal([]byte(stdout), &n) != nil || n.Name != "n1" || !n.Status.Has(gpu.FindingNvidiaSmiMissing) {
		t.Errorf("exit %d node %+v\n%s%s", code, n, stdout, stderr)
	}
}

// --kernel-log with real kernel lines (dmesg --decode --time-format=iso, see
// pkg/plugin/gpu/testdata/README.md): application Xids only, so the node
// stays Healthy, and the finding carries the log's own date. Then a driver
// 570+ fallen-off-the-bus message in plain dmesg form: Unhealthy, at uptime.
func TestGPULocalSavedKernelLogs(t *testing.T) {
	h := t4Host(t)
	real, err := os.ReadFile("../gpu/testdata/dmesg-xid.decode-iso.log")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(h.Root+"/kern.log", real, 0o644); err != nil {
		t.Fatal(err)
	}
	local := []string{"node-debug", "gpu", "--local", "--host-root", h.Root, "--proc-root", h.Proc, "--kernel-log", "/kern.log", "-o", "json"}
	stdout, stderr, code := runPlugin(t, local...)
	var l gpu.GPUNodeList
	if code != 0 || json.Unmarshal([]byte(stdout), &l) != nil || len(l.Items) != 1 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	s := l.Items[0].Status
	if s.Verdict != gpu.VerdictHealthy || len(s.Xids) != 2 || s.Xids[0].Count != 16 || len(s.Findings) != 2 ||
		!strings.Contains(s.Findings[0].Message, "GPU 0000:38:00: Xid 13 seen 16 time(s), last at 2025-01-21T04:41:44Z") {
		t.Errorf("status %+v", s)
	}

	fell := "[ 1843.308145] NVRM: The NVIDIA GPU 0000:00:04.0\n" +
		"               NVRM: (PCI ID: 10de:1eb8) installed in this system has\n" +
		"               NVRM: fallen off the bus and is not responding to commands.\n"
	if err := os.WriteFile(h.Root+"/kern.log", []byte(fell), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code = runPlugin(t, local...)
	l = gpu.GPUNodeList{}
	if code != cli.ExitFindings || json.Unmarshal([]byte(stdout), &l) != nil || len(l.Items) != 1 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	s = l.Items[0].Status
	if s.Verdict != gpu.VerdictUnhealthy || len(s.Findings) != 1 || s.Findings[0].Code != gpu.FindingFallenOffBus ||
		s.Findings[0].Message != "GPU 0 (0000:00:04, PCI ID 10de:1eb8) has fallen off the bus and is not responding to commands (logged 1 time(s), last at uptime 1843 s)" {
		t.Errorf("status %+v", s)
	}
}
