package snapshot

import "github.com/kubectl-akash/kubectl-akash/pkg/plugin/schedule"

// Rules are the permissions the spec's reads need: list on each resource,
// in the namespace it is read in (a Role) or cluster-wide (a ClusterRole,
// for reads in every namespace and cluster-scoped resources). They come
// from the same table Load runs (Reads), so a scheduled command's RBAC
// cannot drift from what it reads; the command adds what it does besides
// reading (Writes for its planned deletes and patches, its GETs and execs)
// and joins them with schedule.Merge.
func (spec Spec) Rules() []schedule.Rule {
	var rules []schedule.Rule
	for _, r := range spec.Reads() {
		rules = append(rules, schedule.Rule{Namespace: r.Namespace, APIGroups: []string{r.GVR.Group}, Resources: []string{r.GVR.Resource}, Verbs: []string{"list"}})
	}
	return schedule.Merge(rules)
}
