package gpu

import (
	"regexp"
	"strings"
)

// FabricLog is what the fabric manager's journal or log file says.
type FabricLog struct {
	// InterfaceVersion and DriverVersion are from the last "driver interface
	// version X doesn't match with driver version Y" line.
	InterfaceVersion, DriverVersion string
	// Failure is the last line saying the service failed.
	Failure string
}

var (
	fmMismatch = regexp.MustCompile(`fabric manager NVIDIA GPU driver interface version (\S+?)\.? doesn't match with driver version (\S+?)\.?(?:\s|$)`)
	fmFailure  = regexp.MustCompile(`nvidia-fabricmanager\.service: (?:Control process exited|Main process exited|Failed with result)|Failed to start .*[Ff]abric[ -]?[Mm]anager`)
)

// ParseFabricLog reads fabric manager journal or log lines, in order.
func ParseFabricLog(text string) FabricLog {
	var f FabricLog
	for _, line := range strings.Split(text, "\n") {
		if m := fmMismatch.FindStringSubmatch(line); m != nil {
			f.InterfaceVersion, f.DriverVersion = m[1], m[2]
		}
		if fmFailure.MatchString(line) && !strings.Contains(line, "status=0/SUCCESS") {
			f.Failure = strings.TrimSpace(line)
		}
	}
	return f
}
