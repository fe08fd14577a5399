package gpu

import (
	"fmt"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Table is the human view: one row per node.
func Table(l *GPUNodeList) *output.Table {
	t := output.NewTable(
		output.Column{Name: "NODE"},
		output.Column{Name: "MANAGED", Description: "operator: the NVIDIA GPU operator's pods; host: host packages"},
		output.Column{Name: "GPUS"},
		output.Column{Name: "DRIVER"},
		output.Column{Name: "CUDA"},
		output.Column{Name: "DEVICE-PLUGIN"},
		output.Column{Name: "FABRIC-MANAGER"},
		output.Column{Name: "XIDS"},
		output.Column{Name: "VERDICT"},
		output.Column{Name: "CAPACITY", Wide: true},
		output.Column{Name: "AKASH-MODELS", Wide: true},
		output.Column{Name: "KERNEL-MODULE", Wide: true},
		output.Column{Name: "PROBLEM"},
	)
	for _, n := range l.Items {
		s := n.Status
		t.AddRow(n.Name, output.Or(s.Management, "-"), gpusCell(s), output.Or(s.DriverVersion, "-"), output.Or(s.CUDAVersion, "-"), pluginCell(s), fabricCell(s),
			xidsCell(s), s.Verdict, capacityCell(s), akashCell(s), output.Or(s.KernelModuleVersion, "-"), problem(s))
	}
	return t
}

// problem is the node's error, or its first Error (else Warning) finding.
func problem(s Status) string {
	if s.Error != "" {
		return s.Error
	}
	for _, sev := range []Severity{SeverityError, SeverityWarning} {
		for _, f := range s.Findings {
			if f.Severity == sev {
				more := ""
				if n := countAtLeast(s.Findings, sev); n > 1 {
					more = fmt.Sprintf(" (+%d more, see -o json)", n-1)
				}
				return f.Code + ": " + f.Message + more
			}
		}
	}
	return ""
}

func countAtLeast(fs []Finding, sev Severity) int {
	n := 0
	for _, f := range fs {
		if f.Severity == SeverityError || f.Severity == sev {
			n++
		}
	}
	return n
}

func gpusCell(s Status) string {
	if len(s.GPUs) == 0 {
		if s.Error != "" {
			return ""
		}
		return "0"
	}
	return seenModels(s.GPUs)
}

func pluginCell(s Status) string {
	switch {
	case s.Cluster == nil:
		return "-"
	case s.Cluster.DevicePlugin == nil:
		if s.Has(FindingDevicePluginMissing) {
			return "missing"
		}
		return "-"
	case s.Cluster.DevicePlugin.Ready:
		return output.Or(s.Cluster.DevicePlugin.Version, "-") + " Ready"
	}
	return output.Or(s.Cluster.DevicePlugin.Version, "-") + " NotReady"
}

func fabricCell(s Status) string {
	fm := s.FabricManager
	switch {
	case fm == nil:
		return "-"
	case fm.Running:
		return "running " + fm.Version
	}
	return "not running " + fm.Version
}

// xidsCell lists the Xid codes seen with their counts, critical ones marked "!".
func xidsCell(s Status) string {
	var parts []string
	for _, x := range s.Xids {
		mark := ""
		if x.Class == ClassCritical {
			mark = "!"
		}
		parts = append(parts, fmt.Sprintf("%d%s×%d", x.Code, mark, x.Count))
	}
	for _, x := range s.SXids {
		parts = append(parts, fmt.Sprintf("S%d×%d", x.Code, x.Count))
	}
	return output.Or(strings.Join(parts, ","), "-")
}

func capacityCell(s Status) string {
	if s.Cluster == nil || s.Cluster.Capacity == nil {
		return "-"
	}
	alloc := "-"
	if s.Cluster.Allocatable != nil {
		alloc = fmt.Sprint(*s.Cluster.Allocatable)
	}
	return fmt.Sprintf("%d/%s", *s.Cluster.Capacity, alloc)
}

func akashCell(s Status) string {
	if s.Cluster == nil {
		return "-"
	}
	return output.Or(strings.Join(s.Cluster.AkashModels, ","), "-")
}
