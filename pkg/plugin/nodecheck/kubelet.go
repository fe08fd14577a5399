package nodecheck

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
)

// Codes of the kubelet check.
const (
	CodeSerialPulls     = "NC501"
	CodeKubeAPIThrottle = "NC502"
	CodeEventQPS        = "NC503"
	CodeRegistryQPS     = "NC504"
	CodeMaxPods         = "NC505"
	CodeEviction        = "NC506"
	CodeSwap            = "NC507"
)

// Thresholds of the kubelet check, and why.
const (
	// minKubeAPIQPS/Burst: the kubelet's status updates, pod syncs and
	// volume reads all share this client budget. The defaults before
	// Kubernetes 1.27 (5 and 10) throttle a node of a hundred pods into
	// minutes-long Pending/ContainerCreating; 1.27 raised them to 50/100.
	minKubeAPIQPS   = 50
	minKubeAPIBurst = 100
	// minEventQPS: below it the kubelet drops the events that explain a
	// stuck pod (FailedMount, BackOff) on a busy node; 0 is unlimited.
	minEventQPS = 5
	// minRegistryPullQPS: 0 is unlimited; a low nonzero value queues every
	// image pull of a node that starts many leases at once.
	minRegistryPullQPS = 5
	// maxTestedPods: Kubernetes is tested to 110 pods per node; far above
	// it the kubelet's pod lifecycle loop (PLEG) falls behind and the node
	// flaps NotReady.
	maxTestedPods = 250
)

// The kubelet check: kubelet settings that stall pods on a dense provider
// node, judged from the kubelet's live configuration (configz, read by
// the client through the API server).
func init() {
	Register(Check{
		Name:        "kubelet",
		Description: "Kubelet settings that stall a dense node: serial image pulls, API and pull rate limits, maxPods, eviction thresholds, swap",
		Kubelet:     true,
		Run:         runKubelet,
	})
}

func runKubelet(_ context.Context, env agent.Env, opts Options) Result {
	k, note, why := kubeletSettings(env, opts)
	if k == nil {
		if opts.KubeletError != "" {
			return errorResult("%s", why)
		}
		return notApplicable("%s (with --local, pass --kubelet-config)", why)
	}
	res := Result{}
	if note != "" {
		res.Findings = append(res.Findings, Finding{Code: CodeKubeletFile, Severity: SeverityInfo, Message: note})
	}
	gauge := func(name, help string, v *int32) {
		if v != nil {
			res.Metrics = append(res.Metrics, Metric{Name: "kubectl_akash_node_kubelet_" + name, Help: help, Value: float64(*v)})
		}
	}
	gauge("kube_api_qps", "The kubelet's kubeAPIQPS.", k.KubeAPIQPS)
	gauge("kube_api_burst", "The kubelet's kubeAPIBurst.", k.KubeAPIBurst)
	gauge("max_pods", "The kubelet's maxPods.", k.MaxPods)
	add := func(code string, sev Severity, fix, format string, args ...any) {
		res.Findings = append(res.Findings, Finding{Code: code, Severity: sev, Message: fmt.Sprintf(format, args...), Fix: fix})
	}
	restart := " in the kubelet's configuration (/var/lib/kubelet/config.yaml) and restart the kubelet"
	if k.SerializeImagePulls == nil || *k.SerializeImagePulls {
		add(CodeSerialPulls, SeverityWarning, "set serializeImagePulls: false and maxParallelImagePulls: 5"+restart,
			"serializeImagePulls is true: images are pulled one at a time, so one tenant's slow or huge image holds every other lease's pod in ContainerCreating")
	}
	if low(k.KubeAPIQPS, minKubeAPIQPS) || low(k.KubeAPIBurst, minKubeAPIBurst) {
		add(CodeKubeAPIThrottle, SeverityWarning, fmt.Sprintf("set kubeAPIQPS: %d and kubeAPIBurst: %d (or more)", minKubeAPIQPS, minKubeAPIBurst)+restart,
			"kubeAPIQPS %s / kubeAPIBurst %s: the kubelet's API client is throttled below %d/%d, so pod status and volume setup lag on a node with many pods",
			show(k.KubeAPIQPS), show(k.KubeAPIBurst), minKubeAPIQPS, minKubeAPIBurst)
	}
	if k.EventRecordQPS != nil && *k.EventRecordQPS > 0 && *k.EventRecordQPS < minEventQPS {
		add(CodeEventQPS, SeverityInfo, fmt.Sprintf("set eventRecordQPS: %d or more", minKubeAPIQPS)+restart,
			"eventRecordQPS %d: on a busy node the kubelet drops the events that explain a stuck pod", *k.EventRecordQPS)
	}
	if k.RegistryPullQPS != nil && *k.RegistryPullQPS > 0 && *k.RegistryPullQPS < minRegistryPullQPS {
		add(CodeRegistryQPS, SeverityWarning, fmt.Sprintf("set registryPullQPS: %d or more (0: no limit)", minRegistryPullQPS*2)+restart,
			"registryPullQPS %d: image pulls queue when many leases start at once", *k.RegistryPullQPS)
	}
	if k.MaxPods != nil && *k.MaxPods > maxTestedPods {
		add(CodeMaxPods, SeverityWarning, fmt.Sprintf("lower maxPods to %d or less, or add nodes", maxTestedPods)+restart,
			"maxPods %d is far above the 110 Kubernetes is tested with: the kubelet's pod lifecycle loop falls behind and the node may flap NotReady", *k.MaxPods)
	}
	// nil: the kubelet's defaults apply (a file that leaves it out); {}
	// set explicitly turns hard eviction off.
	if missing := missingEviction(k.EvictionHard); k.EvictionHard != nil && len(missing) > 0 {
		add(CodeEviction, SeverityWarning, "set evictionHard, e.g. memory.available: 500Mi, nodefs.available: 10%, imagefs.available: 15%"+restart,
			"no hard eviction threshold for %s: the kernel's OOM killer and a full disk act before the kubelet evicts a lease's pod", strings.Join(missing, ", "))
	}
	if k.FailSwapOn != nil && !*k.FailSwapOn {
		behavior := "NoSwap"
		if k.MemorySwap != nil && k.MemorySwap.SwapBehavior != "" {
			behavior = k.MemorySwap.SwapBehavior
		}
		swapTotal, _, err := swapKB(env)
		switch {
		case err == nil && swapTotal > 0 && behavior == "LimitedSwap":
			add(CodeSwap, SeverityInfo, "",
				"the node has %d MiB of swap and the kubelet lets Burstable pods use it (LimitedSwap): memory pressure shows as latency before it shows as evictions", swapTotal/1024)
		case err == nil && swapTotal > 0:
			add(CodeSwap, SeverityInfo, "",
				"the node has %d MiB of swap; failSwapOn is false and swapBehavior is %s, so pods do not swap but the system may", swapTotal/1024, behavior)
		}
	}
	return res
}

// low: the value is set, positive and below min (0 means unlimited for
// the kubelet's rate limits, so it is never low).
func low(v *int32, min int32) bool {
	return v != nil && *v > 0 && *v < min
}

func show(v *int32) string {
	if v == nil {
		return "unset"
	}
	return fmt.Sprint(*v)
}

// missingEviction lists the eviction signals a provider node needs that
// evictionHard leaves out.
func missingEviction(hard map[string]string) []string {
	var missing []string
	for _, s := range []string{"memory.available", "nodefs.available", "imagefs.available"} {
		if v, ok := hard[s]; !ok || v == "" || v == "0" || v == "0%" {
			missing = append(missing, s)
		}
	}
	sort.Strings(missing)
	return missing
}
