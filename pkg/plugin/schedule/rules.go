package schedule

import (
	"maps"
	"slices"
	"sort"
	"strings"
)

// Merge joins rule sets into the fewest rules that allow exactly the same:
// the verbs of each (namespace, group, resource) are united, then the
// resources of a namespace and group with the same verbs share one rule.
// The order is stable (namespace, group, resources), so the printed RBAC
// does not change from one run to the next.
func Merge(sets ...[]Rule) []Rule {
	type key struct{ ns, group, resource string }
	verbs := map[key]map[string]bool{}
	for _, set := range sets {
		for _, r := range set {
			for _, g := range r.APIGroups {
				for _, res := range r.Resources {
					k := key{r.Namespace, g, res}
					if verbs[k] == nil {
						verbs[k] = map[string]bool{}
					}
					for _, v := range r.Verbs {
						verbs[k][v] = true
					}
				}
			}
		}
	}
	type group struct{ ns, group, verbs string }
	byVerbs := map[group][]string{}
	for k, vs := range verbs {
		g := group{k.ns, k.group, strings.Join(slices.Sorted(maps.Keys(vs)), ",")}
		byVerbs[g] = append(byVerbs[g], k.resource)
	}
	out := make([]Rule, 0, len(byVerbs))
	for g, resources := range byVerbs {
		sort.Strings(resources)
		out = append(out, Rule{Namespace: g.ns, APIGroups: []string{g.group}, Resources: resources, Verbs: strings.Split(g.verbs, ",")})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		if a.APIGroups[0] != b.APIGroups[0] {
			return a.APIGroups[0] < b.APIGroups[0]
		}
		return slices.Compare(a.Resources, b.Resources) < 0
	})
	return out
}

// Writes are the permissions of a command's planned changes: verbs
// ("delete", "patch") on resource of group in namespace ("" every
// namespace, for objects in the namespaces created per lease).
func Writes(namespace, group, resource string, verbs ...string) Rule {
	return Rule{Namespace: namespace, APIGroups: []string{group}, Resources: []string{resource}, Verbs: verbs}
}
