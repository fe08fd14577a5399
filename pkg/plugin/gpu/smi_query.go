package gpu

import (
	"strings"
)

// QueryReport is what the agent takes from `nvidia-smi -q`.
type QueryReport struct {
	DriverVersion string
	CUDAVersion   string
	// GPUs are keyed by their "GPU 00000000:18:00.0" section's bus ID.
	GPUs []QueryGPU
}

// QueryGPU is one GPU section of `nvidia-smi -q`.
type QueryGPU struct {
	BusID        string
	ProductName  string
	FabricState  string
	FabricStatus string
}

// ParseQ reads `nvidia-smi -q`: the top-level "Driver Version" and "CUDA
// Version", and per "GPU <bus id>" section the Product Name and the State
// and Status of its "Fabric" block (N/A on PCIe GPUs; newer drivers add
// CliqueId, ClusterUUID and a Health sub-block, which are skipped).
func ParseQ(out string) QueryReport {
	var q QueryReport
	var cur *QueryGPU
	fabricIndent := -1
	for _, line := range strings.Split(out, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " \t"))
		if indent == 0 && strings.HasPrefix(trimmed, "GPU ") {
			q.GPUs = append(q.GPUs, QueryGPU{BusID: strings.TrimSpace(strings.TrimPrefix(trimmed, "GPU "))})
			cur = &q.GPUs[len(q.GPUs)-1]
			fabricIndent = -1
			continue
		}
		if fabricIndent >= 0 && indent <= fabricIndent {
			fabricIndent = -1
		}
		key, val, ok := strings.Cut(trimmed, ":")
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if !ok {
			if cur != nil && trimmed == "Fabric" {
				fabricIndent = indent
			}
			continue
		}
		switch {
		case cur == nil && key == "Driver Version":
			q.DriverVersion = val
		case cur == nil && key == "CUDA Version":
			q.CUDAVersion = val
		case cur != nil && indent > 0 && key == "Product Name" && cur.ProductName == "":
			cur.ProductName = val
		case cur != nil && fabricIndent >= 0 && key == "State":
			cur.FabricState = val
		case cur != nil && fabricIndent >= 0 && key == "Status":
			cur.FabricStatus = val
		}
	}
	return q
}
