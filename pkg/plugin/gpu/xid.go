package gpu

// Class says who caused an Xid.
type Class string

const (
	// ClassCritical Xids mean the GPU or its link is broken: drain and reset.
	ClassCritical Class = "critical"
	// ClassApplication Xids are raised by a tenant's program (bad memory
	// access, killed context); the NVIDIA device plugin ignores them.
	ClassApplication Class = "application"
	// ClassOther Xids are neither: worth a look when they repeat.
	ClassOther Class = "other"
)

// applicationXids are the codes the NVIDIA device plugin skips when marking
// GPUs unhealthy: the workload, not the GPU, caused them.
var applicationXids = map[int]bool{13: true, 31: true, 43: true, 45: true, 68: true, 109: true}

// criticalXids is the widely used list of hardware/driver Xids. 109 (context
// switch timeout) is in both lists; like the device plugin we count it as
// application-caused, so one tenant's hung kernel does not fail the node.
var criticalXids = map[int]bool{46: true, 48: true, 54: true, 62: true, 63: true, 64: true, 74: true, 79: true, 95: true,
	110: true, 119: true, 120: true, 136: true, 140: true, 142: true, 143: true, 151: true, 155: true, 156: true, 158: true}

// ClassOf classifies an Xid code.
func ClassOf(code int) Class {
	switch {
	case applicationXids[code]:
		return ClassApplication
	case criticalXids[code]:
		return ClassCritical
	}
	return ClassOther
}
