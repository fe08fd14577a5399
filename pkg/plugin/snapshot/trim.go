package snapshot

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// What a snapshot keeps of each object it reads. A provider's Deployments
// and ReplicaSets are most of what a command holds, about 6 KB each once
// decoded: their managedFields and pod templates (labels, env, resources,
// node selector, tolerations) are most of that, and no analysis reads them.
// Trimming each object as it is decoded bounds memory by what is kept.
//
// Kept of a workload (Deployment, ReplicaSet, StatefulSet): its metadata but
// managedFields, its spec but the selector, the volume claim templates and
// the pod template, and of the template's
// containers their name, image, command and arguments (what heal compares
// with the Manifest); its whole status. Other objects lose only their
// managedFields. An analysis that needs more of a workload's template sets
// Spec.FullWorkloads.

// trimObject drops what no analysis reads from item, as soon as it is
// decoded.
func trimObject(item metav1.Object, fullWorkloads bool) {
	item.SetManagedFields(nil)
	if p, ok := item.(*phasePod); ok {
		trimToPhase(&p.Pod)
		return
	}
	if fullWorkloads {
		return
	}
	switch w := item.(type) {
	case *appsv1.Deployment:
		w.Spec.Selector = nil
		trimTemplate(&w.Spec.Template)
	case *appsv1.ReplicaSet:
		w.Spec.Selector = nil
		trimTemplate(&w.Spec.Template)
	case *appsv1.StatefulSet:
		w.Spec.Selector, w.Spec.VolumeClaimTemplates = nil, nil
		trimTemplate(&w.Spec.Template)
	}
}

// cutOf is the protobuf cut (prune.go) that drops, before item's type is
// decoded, what trimObject would drop after.
func cutOf(item metav1.Object, fullWorkloads bool) *fields {
	if _, ok := item.(*phasePod); ok {
		return podPhaseCut
	}
	if fullWorkloads {
		return objectCut
	}
	switch item.(type) {
	case *appsv1.Deployment:
		return deploymentCut
	case *appsv1.ReplicaSet:
		return replicaSetCut
	case *appsv1.StatefulSet:
		return statefulSetCut
	}
	return objectCut
}

// trimTemplate keeps each container's name, image, command and arguments.
func trimTemplate(t *corev1.PodTemplateSpec) {
	containers := make([]corev1.Container, len(t.Spec.Containers))
	for i, c := range t.Spec.Containers {
		containers[i] = corev1.Container{Name: c.Name, Image: c.Image, Command: c.Command, Args: c.Args}
	}
	*t = corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: containers}}
}
