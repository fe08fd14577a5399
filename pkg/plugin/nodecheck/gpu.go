package nodecheck

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu"
)

// Codes of the gpu check: one per finding code of the gpu package's node
// side (`node-debug gpu`), so a script can match either name.
var gpuCodes = map[string]string{
	gpu.FindingDriverLibraryMismatch:     "NC801",
	gpu.FindingNvidiaSmiMissing:          "NC802",
	gpu.FindingNvidiaSmiFailed:           "NC803",
	gpu.FindingNoGPUs:                    "NC804",
	gpu.FindingDeviceNodesMissing:        "NC805",
	gpu.FindingKernelLogUnreadable:       "NC806",
	gpu.FindingXidCritical:               "NC807",
	gpu.FindingXidApplication:            "NC808",
	gpu.FindingXidOther:                  "NC809",
	gpu.FindingFallenOffBus:              "NC810",
	gpu.FindingSXid:                      "NC811",
	gpu.FindingFabricNotReady:            "NC812",
	gpu.FindingFabricManagerNotRunning:   "NC813",
	gpu.FindingFabricManagerMismatch:     "NC814",
	gpu.FindingFabricManagerFailed:       "NC815",
	gpu.FindingOperatorValidationMissing: "NC816",
	gpu.FindingOperatorPodNotReady:       "NC817",
	gpu.FindingOperatorPodMissing:        "NC818",
}

// CodeGPUOther is a gpu finding of a code this table does not know yet (a
// newer gpu package): still reported, with gpu's code in the message.
const CodeGPUOther = "NC899"

// gpuToolTimeout bounds each nvidia-smi run, as `agent gpu` does: a hung
// nvidia-smi is a finding, not a stuck agent.
const gpuToolTimeout = 30 * time.Second

// The gpu check is a thin adapter over the gpu package's node side (the
// collection `node-debug gpu` runs): nvidia-smi, the kernel module and
// library versions, device nodes, Xids in the kernel log, the fabric
// manager and the GPU operator's validations, each gpu finding one
// nodecheck finding with gpu's own fix.
func init() {
	Register(Check{
		Name:        "gpu",
		Description: "NVIDIA GPUs: driver/library mismatch, Xid errors, GPUs fallen off the bus, device nodes, fabric manager, GPU operator validations",
		Applies:     gpuApplies,
		Run:         runGPU,
	})
}

// gpuApplies: a node has NVIDIA GPUs when it has /dev/nvidia0 or an
// nvidia-smi (the host's, or the GPU operator's driver root's).
func gpuApplies(env agent.Env) (bool, string) {
	if _, err := os.Stat(filepath.Join(env.HostRoot, "dev/nvidia0")); err == nil {
		return true, ""
	}
	if (gpu.Host{Root: env.HostRoot}).Has("nvidia-smi") {
		return true, ""
	}
	return false, "no NVIDIA GPU on this node (no /dev/nvidia0, no nvidia-smi)"
}

func runGPU(ctx context.Context, env agent.Env, opts Options) Result {
	n := gpu.Collect(ctx, env, gpu.Options{KernelLog: opts.KernelLog, Timeout: gpuToolTimeout})
	s := n.Status
	s.Assess()
	if s.Error != "" {
		return errorResult("%s", s.Error)
	}
	res := Result{}
	for _, f := range s.Findings {
		code, ok := gpuCodes[f.Code]
		msg := f.Message
		if !ok {
			code, msg = CodeGPUOther, f.Code+": "+f.Message
		}
		res.Findings = append(res.Findings, Finding{Code: code, Severity: GPUSeverity(f.Severity), Message: msg, Fix: f.Fix})
	}
	healthy := 0.0
	if s.Verdict == gpu.VerdictHealthy {
		healthy = 1
	}
	res.Metrics = append(res.Metrics,
		Metric{Name: "kubectl_akash_node_gpus", Help: "GPUs nvidia-smi lists on the node.", Value: float64(len(s.GPUs))},
		Metric{Name: "kubectl_akash_node_gpu_healthy", Help: "1 when the node's GPUs have no error or warning finding.", Value: healthy})
	for _, x := range s.Xids {
		res.Metrics = append(res.Metrics, Metric{Name: "kubectl_akash_node_gpu_xid_events", Help: "Xid errors in the kernel log, per device and code.",
			Labels: map[string]string{"device": x.Device, "xid": strconv.Itoa(x.Code)}, Value: float64(x.Count)})
	}
	return res
}

// GPUSeverity maps the gpu package's severities onto nodecheck's; one it
// does not know is an error, so a newer gpu package never hides a problem.
func GPUSeverity(s gpu.Severity) Severity {
	switch s {
	case gpu.SeverityInfo:
		return SeverityInfo
	case gpu.SeverityWarning:
		return SeverityWarning
	}
	return SeverityError
}
