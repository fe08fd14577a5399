package zombies

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// Attribute names the pods, containers and leases of every parent, from
// the pods the API knows (matched by UID, as read from the cgroup) and the
// labels of their namespaces (a workload's lease is its namespace's). It is
// pure: the caller LISTs once.
func Attribute(reports []*Report, pods []corev1.Pod, nsLabels map[string]map[string]string) {
	byUID := make(map[string]*corev1.Pod, len(pods))
	for i := range pods {
		byUID[string(pods[i].UID)] = &pods[i]
	}
	for _, r := range reports {
		for i := range r.Status.Parents {
			pr := r.Status.Parents[i].Pod
			if pr == nil {
				continue
			}
			pod, ok := byUID[pr.UID]
			if !ok {
				continue
			}
			pr.Namespace, pr.Name = pod.Namespace, pod.Name
			pr.Container = containerName(pod, pr.ContainerID)
			if id, ok := akash.LeaseIDFromLabels(nsLabels[pod.Namespace]); ok {
				pr.Lease = id.String()
				pr.LeaseOwner, pr.LeaseDSeq = id.Owner, strconv.FormatUint(id.DSeq, 10)
			}
		}
	}
}

// containerName finds the container whose runtime ID ("containerd://<id>")
// is id, among regular, init and ephemeral containers.
func containerName(pod *corev1.Pod, id string) string {
	if id == "" {
		return ""
	}
	all := [][]corev1.ContainerStatus{pod.Status.ContainerStatuses, pod.Status.InitContainerStatuses, pod.Status.EphemeralContainerStatuses}
	for _, statuses := range all {
		for _, s := range statuses {
			if _, cid, ok := strings.Cut(s.ContainerID, "://"); ok && cid == id {
				return s.Name
			}
		}
	}
	return ""
}

// PodUIDs lists the pod UIDs the reports mention.
func PodUIDs(reports []*Report) map[string]bool {
	out := map[string]bool{}
	for _, r := range reports {
		for _, p := range r.Status.Parents {
			if p.Pod != nil {
				out[p.Pod.UID] = true
			}
		}
	}
	return out
}
