package nodecheck

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/zombies"
)

// Attribute names the pod and lease of every finding and metric that
// carries a pod UID (read from a cgroup path on the node): pods are matched
// by UID (or a static pod's config hash), and a pod's lease is its
// namespace's, from the lease labels of namespaces. It is pure: the caller
// lists once (a snapshot's pods and lease namespaces do).
func Attribute(reports []Report, pods []corev1.Pod, namespaces []corev1.Namespace) {
	byUID := zombies.PodsByCgroupUID(pods)
	leases := map[string]akash.LeaseID{}
	for _, ns := range namespaces {
		if id, ok := akash.LeaseIDFromLabels(ns.Labels); ok {
			leases[ns.Name] = id
		}
	}
	for r := range reports {
		for i := range reports[r].Results {
			res := &reports[r].Results[i]
			for j := range res.Findings {
				f := &res.Findings[j]
				if p := byUID[f.PodUID]; p != nil {
					f.Namespace, f.Pod = p.Namespace, p.Name
				}
				if id, ok := leases[f.Namespace]; ok {
					*f = f.WithLease(&id)
				}
			}
			for j := range res.Metrics {
				labelPod(res.Metrics[j].Labels, byUID, leases)
			}
		}
	}
}

// labelPod adds namespace, pod, owner and dseq labels to a metric with a
// pod_uid label the pods name.
func labelPod(l map[string]string, byUID map[string]*corev1.Pod, leases map[string]akash.LeaseID) {
	if l == nil || l["pod_uid"] == "" {
		return
	}
	p := byUID[l["pod_uid"]]
	if p == nil {
		return
	}
	l["namespace"], l["pod"] = p.Namespace, p.Name
	if id, ok := leases[p.Namespace]; ok {
		l["owner"], l["dseq"] = id.Owner, strconv.FormatUint(id.DSeq, 10)
	}
}
