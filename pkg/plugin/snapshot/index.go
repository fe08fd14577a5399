package snapshot

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// LeaseByNamespace maps each lease namespace to its lease ID, read from the
// namespace's lease labels (workloads carry none, so this is how a workload
// is tied to its lease).
func (s *Snapshot) LeaseByNamespace() map[string]akash.LeaseID {
	m := make(map[string]akash.LeaseID, len(s.Namespaces))
	for i := range s.Namespaces {
		if id, ok := akash.LeaseIDFromLabels(s.Namespaces[i].Labels); ok {
			m[s.Namespaces[i].Name] = id
		}
	}
	for _, man := range s.Manifests {
		if _, ok := m[man.Name]; ok {
			continue
		}
		if id, ok := man.LeaseID(); ok {
			m[man.Name] = id
		}
	}
	return m
}

// Terminating is the set of lease namespaces being deleted: nothing in them
// is worth repairing.
func (s *Snapshot) Terminating() map[string]bool {
	m := map[string]bool{}
	for i := range s.Namespaces {
		if s.Namespaces[i].DeletionTimestamp != nil {
			m[s.Namespaces[i].Name] = true
		}
	}
	return m
}

// ManifestByNamespace maps each lease namespace to its Manifest (the
// Manifest's name is the namespace).
func (s *Snapshot) ManifestByNamespace() map[string]*akash.Manifest {
	m := make(map[string]*akash.Manifest, len(s.Manifests))
	for _, man := range s.Manifests {
		m[man.Name] = man
	}
	return m
}

// ReplicaSetsByOwner groups ReplicaSets by the UID of their controlling
// Deployment: a Deployment's ReplicaSets are exactly the ones it owns, never
// "every ReplicaSet in the namespace".
func (s *Snapshot) ReplicaSetsByOwner() map[types.UID][]*appsv1.ReplicaSet {
	m := map[types.UID][]*appsv1.ReplicaSet{}
	for i := range s.ReplicaSets {
		if ref := metav1.GetControllerOf(&s.ReplicaSets[i]); ref != nil {
			m[ref.UID] = append(m[ref.UID], &s.ReplicaSets[i])
		}
	}
	return m
}

// PodsByOwner groups pods by the UID of their controller (ReplicaSet or
// StatefulSet).
func (s *Snapshot) PodsByOwner() map[types.UID][]*corev1.Pod {
	m := map[types.UID][]*corev1.Pod{}
	for i := range s.Pods {
		if ref := metav1.GetControllerOf(&s.Pods[i]); ref != nil {
			m[ref.UID] = append(m[ref.UID], &s.Pods[i])
		}
	}
	return m
}

// EventsByPod groups FailedScheduling events by the pod they are about.
func (s *Snapshot) EventsByPod() map[types.UID][]*corev1.Event {
	m := map[types.UID][]*corev1.Event{}
	for i := range s.Events {
		m[s.Events[i].InvolvedObject.UID] = append(m[s.Events[i].InvolvedObject.UID], &s.Events[i])
	}
	return m
}
