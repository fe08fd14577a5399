package snapshot

import (
	"unsafe"

	corev1 "k8s.io/api/core/v1"
)

// A lease pod as sent is a few kilobytes — its spec (containers, env,
// volumes, tolerations) and status (conditions, container statuses) — and
// `leases list` counts pods by phase: decoding all of that for thousands
// of pods was a quarter of its CPU. Spec.PodPhasesOnly reads the same LIST
// but keeps of each pod only its metadata and status.phase, pruned from
// the protobuf bytes before they are decoded (prune.go).

// phasePod is a pod decoded for its phase: its own type so that the
// streamed decoding (cutOf, trimObject) knows what to keep of it.
type phasePod struct{ corev1.Pod }

// Field numbers of k8s.io/api/core/v1's generated.proto.
const (
	fieldStatus = 3 // Pod.status
	fieldPhase  = 1 // PodStatus.phase
)

// podPhaseCut keeps of a pod its metadata but managedFields and its
// status.phase.
var podPhaseCut = &fields{by: map[int]*fields{
	fieldMetadata: objectCut.by[fieldMetadata],
	fieldStatus:   {by: map[int]*fields{fieldPhase: whole}},
}}

// trimToPhase is podPhaseCut on a decoded pod (a server that answered
// JSON).
func trimToPhase(p *corev1.Pod) {
	p.Spec = corev1.PodSpec{}
	p.Status = corev1.PodStatus{Phase: p.Status.Phase}
}

// unwrapPods returns the pods as corev1.Pods, in place: a phasePod is a
// corev1.Pod and nothing else, laid out as one. Copying them was a twelfth
// of `leases list`'s CPU at 5,000 leases, and twice their memory while it
// lasted.
func unwrapPods(items []phasePod) []corev1.Pod {
	if len(items) == 0 {
		return []corev1.Pod{}
	}
	return unsafe.Slice(&items[0].Pod, len(items))
}

// The two types must stay the same size for unwrapPods: either line stops
// compiling when a field is added to phasePod.
var (
	_ [unsafe.Sizeof(phasePod{}) - unsafe.Sizeof(corev1.Pod{})]byte
	_ [unsafe.Sizeof(corev1.Pod{}) - unsafe.Sizeof(phasePod{})]byte
)
