package gpu

// Severity of a finding. Error findings make the node Unhealthy (exit 3);
// Warning ones make it Degraded; Info ones only inform.
type Severity string

const (
	SeverityError   Severity = "Error"
	SeverityWarning Severity = "Warning"
	SeverityInfo    Severity = "Info"
)

// Verdicts of a node.
const (
	VerdictHealthy   = "Healthy"
	VerdictDegraded  = "Degraded"
	VerdictUnhealthy = "Unhealthy"
	VerdictUnknown   = "Unknown" // the node could not be checked
)

// Finding codes: stable names scripts can match on.
const (
	FindingNvidiaSmiMissing        = "NvidiaSmiMissing"
	FindingNvidiaSmiFailed         = "NvidiaSmiFailed"
	FindingDriverLibraryMismatch   = "DriverLibraryMismatch"
	FindingNoGPUs                  = "NoGPUs"
	FindingDeviceNodesMissing      = "DeviceNodesMissing"
	FindingKernelLogUnreadable     = "KernelLogUnreadable"
	FindingXidCritical             = "XidCritical"
	FindingXidApplication          = "XidApplication"
	FindingXidOther                = "XidOther"
	FindingFallenOffBus            = "GPUFallenOffBus"
	FindingSXid                    = "SXid"
	FindingFabricNotReady          = "FabricNotReady"
	FindingFabricManagerNotRunning = "FabricManagerNotRunning"
	FindingFabricManagerMismatch   = "FabricManagerVersionMismatch"
	FindingFabricManagerFailed     = "FabricManagerFailed"
	FindingDevicePluginMissing     = "DevicePluginMissing"
	FindingDevicePluginNotReady    = "DevicePluginNotReady"
	FindingCapacityMismatch        = "GPUCapacityMismatch"
	FindingUnhealthyGPUs           = "GPUsMarkedUnhealthy"
	FindingAkashLabelMismatch      = "AkashGPULabelMismatch"
	FindingAkashLabelMissing       = "AkashGPULabelMissing"
	// GPU operator nodes.
	FindingOperatorValidationMissing = "OperatorValidationMissing"
	FindingOperatorPodNotReady       = "OperatorPodNotReady"
	FindingOperatorPodMissing        = "OperatorPodMissing"
	FindingClusterPolicyNotReady     = "ClusterPolicyNotReady"
	FindingClusterPolicyUnknown      = "ClusterPolicyUnknown"
)

// Finding is one problem and what to do about it.
type Finding struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix,omitempty"`
}

// add appends a finding to the status.
func (s *Status) add(code string, sev Severity, msg, fix string) {
	s.Findings = append(s.Findings, Finding{Code: code, Severity: sev, Message: msg, Fix: fix})
}

// Has reports whether a finding with code is present.
func (s *Status) Has(code string) bool {
	for _, f := range s.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

// Assess sets the verdict from the error and the findings.
func (s *Status) Assess() {
	switch {
	case s.Error != "":
		s.Verdict = VerdictUnknown
		return
	default:
		s.Verdict = VerdictHealthy
	}
	for _, f := range s.Findings {
		switch f.Severity {
		case SeverityError:
			s.Verdict = VerdictUnhealthy
			return
		case SeverityWarning:
			s.Verdict = VerdictDegraded
		}
	}
}
