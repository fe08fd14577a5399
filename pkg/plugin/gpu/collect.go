package gpu

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Options tune the node-side check.
type Options struct {
	// KernelLog is a kernel log file on the host (read under HostRoot);
	// "" reads the host's /dev/kmsg.
	KernelLog string `json:"kernelLog,omitempty"`
	// Timeout bounds each tool run (nvidia-smi hangs on some broken GPUs).
	Timeout time.Duration `json:"timeout,omitempty"`
}

// DefaultTimeout is Options.Timeout's default (--tool-timeout).
const DefaultTimeout = 30 * time.Second

// Collect is the node side: it runs the host's nvidia-smi and
// nv-fabricmanager, reads the module version, the device nodes and the
// kernel log, and records every problem as a finding. It never fails as a
// whole: what cannot be read becomes a finding.
func Collect(ctx context.Context, env agent.Env, o Options) GPUNode {
	n := GPUNode{TypeMeta: output.TypeMeta(Kind), ObjectMeta: metav1.ObjectMeta{Name: env.NodeName}}
	s := &n.Status
	host := Host{Root: env.HostRoot, Timeout: o.Timeout}
	now := time.Now
	if env.Now != nil {
		now = env.Now
	}

	s.Operator = operatorNode(env.HostRoot, host)
	s.Management = ManagedByHost
	if s.Operator != nil {
		s.Management = ManagedByOperator
	}
	s.NvidiaSmi = host.Where("nvidia-smi")
	s.DeviceNodes = deviceNodes(env.HostRoot)
	if b, err := os.ReadFile(filepath.Join(env.ProcRoot, "driver/nvidia/version")); err == nil {
		s.KernelModuleVersion = ParseModuleVersion(string(b))
	}
	kern := kernelLog(env, o, now(), s)
	smiOK, mismatch := runSMI(ctx, host, s, kern)
	if !smiOK && s.DriverVersion == "" {
		s.DriverVersion = libraryVersion(env.HostRoot)
	}
	driverFindings(s, mismatch)
	if smiOK {
		deviceNodeFindings(s)
	}
	xidFindings(s, kern)
	fabricCheck(ctx, host, env, s)
	operatorFindings(s)
	return n
}

// runSMI fills GPUs, driver and CUDA versions from nvidia-smi -L,
// --query-gpu and -q. ok says whether nvidia-smi reached the driver;
// mismatch is NVML's "Driver/library version mismatch" message, if printed.
func runSMI(ctx context.Context, host Host, s *Status, kern KernelReport) (ok bool, mismatch string) {
	list, err := host.Run(ctx, "nvidia-smi", "-L")
	switch {
	case errors.Is(err, ErrNotFound) && s.Operator != nil && !s.Operator.HostDriver:
		s.add(FindingNvidiaSmiMissing, SeverityError, "nvidia-smi is neither on the host nor in the GPU operator's driver root /"+driverRoot+": the operator's driver pod has not installed the driver on this node (yet)",
			"kubectl -n <gpu-operator namespace> get pods -o wide --field-selector spec.nodeName=<node> and read the nvidia-driver-daemonset pod's logs (a kernel without matching headers, or a host driver still loaded, keep it from building or loading the module)")
		return false, ""
	case errors.Is(err, ErrNotFound):
		s.add(FindingNvidiaSmiMissing, SeverityError, "nvidia-smi is not on the host: no NVIDIA driver is installed (or not in "+strings.Join(binDirs, ", ")+")",
			"install the NVIDIA driver on the node (e.g. apt install nvidia-driver-<branch>-server, or the GPU operator's driver) and reboot")
		return false, ""
	case err != nil:
		s.add(FindingNvidiaSmiFailed, SeverityError, "nvidia-smi failed: "+err.Error(),
			"a hanging nvidia-smi usually means a GPU stopped answering: check the kernel log for Xid 79/fallen off the bus, drain the node and reboot it")
		return false, ""
	}
	if reason := NVMLFailure(list.Combined()); reason != "" {
		if IsVersionMismatch(reason) {
			if kern.APIMismatch != nil {
				s.DriverVersion = kern.APIMismatch[0]
			}
			return false, reason
		}
		s.add(FindingNvidiaSmiFailed, SeverityError, "nvidia-smi cannot reach the driver: "+reason,
			"check that the nvidia kernel module is loaded (lsmod | grep nvidia; modprobe nvidia) and that the kernel log has no NVRM errors; reinstall the driver for the running kernel if it is not")
		return false, ""
	}
	if list.Code != 0 {
		s.add(FindingNvidiaSmiFailed, SeverityError, fmt.Sprintf("nvidia-smi -L exited with code %d: %s", list.Code, firstLine(list.Combined())),
			"run nvidia-smi on the node to see the full error; check the kernel log for NVRM messages")
		return false, ""
	}
	s.GPUs = ParseList(list.Stdout)
	if q, err := host.Run(ctx, "nvidia-smi", "--query-gpu="+strings.Join(QueryFields, ","), "--format=csv,noheader,nounits"); err == nil && q.Code == 0 {
		gpus, driver, perr := ParseQuery(q.Stdout)
		if perr == nil {
			s.DriverVersion = driver
			mergeQuery(s, gpus)
		}
	}
	if q, err := host.Run(ctx, "nvidia-smi", "-q"); err == nil && q.Code == 0 {
		rep := ParseQ(q.Stdout)
		s.CUDAVersion = rep.CUDAVersion
		if s.DriverVersion == "" {
			s.DriverVersion = rep.DriverVersion
		}
		for _, qg := range rep.GPUs {
			for i := range s.GPUs {
				if s.GPUs[i].BusID != "" && NormPCI(s.GPUs[i].BusID) == NormPCI(qg.BusID) {
					s.GPUs[i].FabricState, s.GPUs[i].FabricStatus = qg.FabricState, qg.FabricStatus
				}
			}
		}
	}
	if len(s.GPUs) == 0 {
		s.add(FindingNoGPUs, SeverityError, "nvidia-smi lists no GPU",
			"check that the GPUs are seen on the PCI bus (lspci -d 10de:) and that the kernel log has no 'fallen off the bus'; reseat or replace them")
	}
	return true, ""
}

// mergeQuery adds the CSV's bus IDs, memory and names to the -L list (by
// index), or takes the CSV's GPUs when -L gave none.
func mergeQuery(s *Status, gpus []GPU) {
	if len(s.GPUs) == 0 {
		s.GPUs = gpus
		return
	}
	for _, q := range gpus {
		for i := range s.GPUs {
			if s.GPUs[i].Index == q.Index {
				s.GPUs[i].BusID, s.GPUs[i].MemoryMiB = q.BusID, q.MemoryMiB
				if s.GPUs[i].UUID == "" {
					s.GPUs[i].UUID = q.UUID
				}
			}
		}
	}
}

// kernelLog reads and analyses the kernel log; an unreadable one is a warning.
// Only the live log (/dev/kmsg) is dated from this boot: a saved one may
// come from an earlier boot or another machine, so its seconds since boot
// stay that.
func kernelLog(env agent.Env, o Options, now time.Time, s *Status) KernelReport {
	path := filepath.Join(env.HostRoot, "dev/kmsg")
	live := true
	if o.KernelLog != "" {
		path = filepath.Join(env.HostRoot, o.KernelLog)
		fi, err := os.Stat(path)
		live = err == nil && fi.Mode()&os.ModeCharDevice != 0
	}
	lines, err := ReadKernelLog(path)
	if err != nil {
		s.add(FindingKernelLogUnreadable, SeverityWarning, fmt.Sprintf("the kernel log could not be read: %v", err),
			"run the check as root (the debug pod is privileged), or pass --kernel-log with a saved dmesg")
	}
	var boot time.Time
	if live {
		boot = bootTime(env.ProcRoot, now)
	}
	return AnalyzeKernel(lines, boot)
}

// bootTime is now minus the host's uptime, or zero when unknown.
func bootTime(proc string, now time.Time) time.Time {
	b, err := os.ReadFile(filepath.Join(proc, "uptime"))
	if err != nil {
		return time.Time{}
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return time.Time{}
	}
	up, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return time.Time{}
	}
	return now.Add(-time.Duration(up * float64(time.Second)))
}

// deviceNodes lists /dev/nvidia* on the host.
func deviceNodes(root string) []string {
	matches, _ := filepath.Glob(filepath.Join(root, "dev", "nvidia*"))
	var out []string
	for _, m := range matches {
		out = append(out, "/dev/"+filepath.Base(m))
	}
	sort.Strings(out)
	return out
}

// libraryVersion is the user-space driver version taken from the
// libnvidia-ml.so.<version> file name, for when nvidia-smi cannot say.
func libraryVersion(root string) string {
	for _, d := range []string{"usr/lib/x86_64-linux-gnu", "usr/lib/aarch64-linux-gnu", "usr/lib64", "usr/lib"} {
		matches, _ := filepath.Glob(filepath.Join(root, d, "libnvidia-ml.so.*.*"))
		for _, m := range matches {
			if v := strings.TrimPrefix(filepath.Base(m), "libnvidia-ml.so."); FirstVersion(v) == v {
				return v
			}
		}
	}
	return ""
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}
