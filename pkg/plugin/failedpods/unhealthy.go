package failedpods

import (
	"sort"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// Unhealthy is a lease pod that is not Failed but cannot do its work: a
// container that cannot start or keeps crashing.
type Unhealthy struct {
	Namespace, Name, Node, Service string
	LeaseID                        akash.LeaseID
	Container                      string
	// Reason is the kubelet's waiting reason (CrashLoopBackOff,
	// ImagePullBackOff, ...); ImagePull says it is about the image.
	Reason    string
	Message   string
	Restarts  int32
	ImagePull bool
}

// waitingBad are the kubelet's waiting reasons of a container that will
// not run without someone changing something: the tenant's image or
// command, or the pod's configuration.
var waitingBad = map[string]bool{
	"CrashLoopBackOff": true, "ImagePullBackOff": true, "ErrImagePull": true, "InvalidImageName": true,
	"CreateContainerConfigError": true, "CreateContainerError": true, "RunContainerError": true, "ErrImageNeverPull": true,
}

var imageReasons = map[string]bool{"ImagePullBackOff": true, "ErrImagePull": true, "InvalidImageName": true, "ErrImageNeverPull": true}

// FindUnhealthy returns the pods of lease namespaces (read with Pods and
// LeaseNamespaces, any phase) that are not Failed and have a container
// waiting for a reason that does not go away by itself, sorted by
// namespace and name. Like Find, a namespace that is not a lease's own is
// left out.
func FindUnhealthy(s *snapshot.Snapshot) []Unhealthy {
	leases := s.LeaseByNamespace()
	var out []Unhealthy
	for i := range s.Pods {
		p := &s.Pods[i]
		if p.Status.Phase == corev1.PodFailed || p.Status.Phase == corev1.PodSucceeded || p.DeletionTimestamp != nil {
			continue
		}
		id, ok := leases[p.Namespace]
		if !ok || id.Namespace() != p.Namespace {
			continue
		}
		for _, cs := range statuses(p) {
			w := cs.State.Waiting
			if w == nil || !waitingBad[w.Reason] {
				continue
			}
			msg := w.Message
			if t := cs.LastTerminationState.Terminated; t != nil && msg == "" {
				msg = "last exit code " + strconv.Itoa(int(t.ExitCode))
				if t.Reason != "" {
					msg += " (" + t.Reason + ")"
				}
			}
			out = append(out, Unhealthy{Namespace: p.Namespace, Name: p.Name, Node: p.Spec.NodeName, Service: p.Labels[akash.LabelManifestService],
				LeaseID: id, Container: cs.Name, Reason: w.Reason, Message: msg, Restarts: cs.RestartCount, ImagePull: imageReasons[w.Reason]})
			break // one finding per pod: its first container that cannot run
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Namespace != out[j].Namespace {
			return out[i].Namespace < out[j].Namespace
		}
		return out[i].Name < out[j].Name
	})
	return out
}
