package gpu

import (
	"regexp"
	"strings"
)

var (
	moduleVersion = regexp.MustCompile(`Kernel Module(?:\s+for\s+\S+)?\s+(\d+\.\d+(?:\.\d+)?)`)
	nvmlFailure   = regexp.MustCompile(`Failed to initialize NVML: ([^\n]*)`)
	anyVersion    = regexp.MustCompile(`\b(\d{3}\.\d+(?:\.\d+)?)\b`)
)

// ParseModuleVersion reads /proc/driver/nvidia/version's first line, e.g.
// "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 ..."
// or, for the open modules, "... Open Kernel Module for x86_64  535.104.05 ...".
func ParseModuleVersion(text string) string {
	if m := moduleVersion.FindStringSubmatch(text); m != nil {
		return m[1]
	}
	return ""
}

// NVMLFailure is the reason nvidia-smi gave for not reaching the driver
// ("Driver/library version mismatch", ...), or "".
func NVMLFailure(out string) string {
	if m := nvmlFailure.FindStringSubmatch(out); m != nil {
		return strings.TrimSpace(m[1])
	}
	if strings.Contains(out, "couldn't communicate with the NVIDIA driver") {
		return "couldn't communicate with the NVIDIA driver"
	}
	return ""
}

// IsVersionMismatch tells the user-space/kernel mismatch apart from other
// NVML failures.
func IsVersionMismatch(reason string) bool {
	return strings.Contains(strings.ToLower(reason), "version mismatch")
}

// FirstVersion is the first driver-like version (NNN.NN[.NN]) in text.
func FirstVersion(text string) string {
	if m := anyVersion.FindStringSubmatch(text); m != nil {
		return m[1]
	}
	return ""
}
