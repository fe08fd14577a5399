package zombies

import (
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// Attribute names the pods, containers and leases of every parent, from
// the pods the API knows (matched by UID, as read from the cgroup) and the
// lease namespaces (labelled akash.network=true, which --kill may signal by
// default; a workload's lease is its namespace's). It is pure: the caller
// reads the pods and namespaces once per run (see Spec).
func Attribute(reports []*Report, pods []corev1.Pod, namespaces []corev1.Namespace) {
	byUID := PodsByCgroupUID(pods)
	leaseNS := make(map[string]map[string]string, len(namespaces))
	for i := range namespaces {
		if namespaces[i].Labels[akash.LabelManaged] == "true" {
			leaseNS[namespaces[i].Name] = namespaces[i].Labels
		}
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
			labels, lease := leaseNS[pod.Namespace]
			pr.LeaseNamespace = lease
			if id, ok := akash.LeaseIDFromLabels(labels); ok {
				pr.Lease = id.String()
				pr.LeaseOwner, pr.LeaseDSeq = id.Owner, strconv.FormatUint(id.DSeq, 10)
			}
		}
	}
}

// mirrorAnnotation holds a static pod's config hash on its mirror pod.
const mirrorAnnotation = "kubernetes.io/config.mirror"

// PodsByCgroupUID indexes pods by the UID their cgroups and pods
// directories on the node are named after: the pod's UID, or for a static
// pod its config hash, which its mirror pod in the API carries in an
// annotation (the mirror's own UID is the API server's).
func PodsByCgroupUID(pods []corev1.Pod) map[string]*corev1.Pod {
	byUID := make(map[string]*corev1.Pod, len(pods))
	for i := range pods {
		byUID[string(pods[i].UID)] = &pods[i]
	}
	for i := range pods {
		if h := pods[i].Annotations[mirrorAnnotation]; h != "" {
			if _, taken := byUID[h]; !taken {
				byUID[h] = &pods[i]
			}
		}
	}
	return byUID
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

// Spec is the one read that names the parents of reports, made once per
// run: every pod (lease or not: --namespace may allow others) on the nodes
// whose parents are in pods, and the lease namespaces. With local the
// pods of every node are read, as this machine's name need not be its
// node's. need is false when no parent is in a pod: nothing to read.
func Spec(reports []*Report, local bool, chunk int64) (spec snapshot.Spec, need bool) {
	spec = snapshot.Spec{AllPods: true, LeaseNamespaces: true, ChunkSize: chunk}
	for _, r := range reports {
		for _, p := range r.Status.Parents {
			if p.Pod == nil {
				continue
			}
			if !local && !slices.Contains(spec.PodNodes, r.Status.Node) {
				spec.PodNodes = append(spec.PodNodes, r.Status.Node)
			}
			need = true
		}
	}
	return spec, need
}

// KeepSkipped carries the plan's reasons over to the agent's report of
// the same node, for the parents the plan left out: the agent only knows
// it was not asked to signal them (it cannot name pods), the plan knew why.
func KeepSkipped(plan, done *Report) {
	why := map[Key]*execute.Action{}
	for i := range plan.Status.Parents {
		if a := plan.Status.Parents[i].Action; a != nil && a.Result == execute.Skipped {
			why[plan.Status.Parents[i].Key()] = a
		}
	}
	for i := range done.Status.Parents {
		p := &done.Status.Parents[i]
		if a, ok := why[p.Key()]; ok && (p.Action == nil || p.Action.Result == execute.Skipped) {
			p.Action = a
		}
	}
}
