package nodecheck

import "time"

// Options tune the checks. They travel to the agent as one JSON flag
// (Agent's Request), so a new option needs no new flag, argv or parser.
type Options struct {
	// PIDPressure is the percentage of a PID limit (pid_max, threads-max, a
	// pod's pids.max) at which the pids and zombies checks report pressure.
	// Zero means DefaultPIDPressure.
	PIDPressure int `json:"pidPressure,omitempty"`
	// KernelLog is a kernel log file on the host (read under HostRoot)
	// instead of the host's /dev/kmsg.
	KernelLog string `json:"kernelLog,omitempty"`
	// OOMWindow: OOM kills older than this are not reported. Zero means
	// DefaultOOMWindow. Only lines whose time is known are filtered.
	OOMWindow time.Duration `json:"oomWindow,omitempty"`
	// PodsKnown says PodUIDs holds every pod the API server places on the
	// node; without it, the mounts check takes the pods whose cgroups exist
	// on the node as the node's pods.
	PodsKnown bool     `json:"podsKnown,omitempty"`
	PodUIDs   []string `json:"podUIDs,omitempty"`
	// Kubelet is the kubelet's live configuration, read by the client from
	// the API server's node proxy (KubeletConfig); nil when it was not
	// read, and then KubeletError says why.
	Kubelet      *KubeletSettings `json:"kubelet,omitempty"`
	KubeletError string           `json:"kubeletError,omitempty"`
	// CertWarn: certificates that expire within it are reported as
	// expiring. Zero means DefaultCertWarn; negative means never (doctor's
	// --cert-warn 0).
	CertWarn time.Duration `json:"certWarn,omitempty"`
}

// Defaults of Options' zero values.
const (
	DefaultPIDPressure = 90
	DefaultOOMWindow   = 24 * time.Hour
)

func (o Options) pidPressure() int {
	if o.PIDPressure <= 0 || o.PIDPressure > 100 {
		return DefaultPIDPressure
	}
	return o.PIDPressure
}

func (o Options) oomWindow() time.Duration {
	if o.OOMWindow <= 0 {
		return DefaultOOMWindow
	}
	return o.OOMWindow
}

func (o Options) certWarn() time.Duration {
	switch {
	case o.CertWarn < 0:
		return 0
	case o.CertWarn == 0:
		return DefaultCertWarn
	}
	return o.CertWarn
}
