package snapshot

import (
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

// unwrapPods returns the pods as corev1.Pods.
func unwrapPods(items []phasePod) []corev1.Pod {
	out := make([]corev1.Pod, len(items))
	for i := range items {
		out[i] = items[i].Pod
	}
	return out
}
