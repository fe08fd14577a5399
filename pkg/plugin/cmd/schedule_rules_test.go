package cmd

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
)

// printedGrants runs a command with --schedule -o json and returns every
// permission its Roles and ClusterRoles grant, as "namespace group
// resource verb" ("*" for cluster-wide).
func printedGrants(t *testing.T, args ...string) []string {
	t.Helper()
	out, stderr, code := runPlugin(t, append([]string{"--kubeconfig", "/nonexistent", "-o", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, stderr)
	}
	var list struct {
		Items []struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Namespace string `json:"namespace"`
			} `json:"metadata"`
			Rules []struct {
				APIGroups []string `json:"apiGroups"`
				Resources []string `json:"resources"`
				Verbs     []string `json:"verbs"`
			} `json:"rules"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var grants []string
	for _, it := range list.Items {
		if it.Kind != "Role" && it.Kind != "ClusterRole" {
			continue
		}
		ns := it.Metadata.Namespace
		if it.Kind == "ClusterRole" {
			ns = "*"
		}
		for _, r := range it.Rules {
			for _, g := range r.APIGroups {
				for _, res := range r.Resources {
					for _, v := range r.Verbs {
						grants = append(grants, strings.Join([]string{ns, g, res, v}, " "))
					}
				}
			}
		}
	}
	sort.Strings(grants)
	return grants
}

// The RBAC each scheduled command prints is its declared reads (list, where
// its snapshot.Spec reads) plus the calls it makes besides reading (its
// planned deletes, exec into the provider pod, the GET of the -n
// namespace) — nothing more, nothing less. The reads come from the same
// Spec its Run loads (snapshot's TestRulesCoverExactlyTheReads proves a
// Spec's rules are exactly its LISTs); these tables pin what the commands
// add and how the namespaces come out.
func TestScheduleRulesAreTheCommandsCalls(t *testing.T) {
	const core, apps = "", "apps"
	grant := func(ns, group, resource, verb string) string {
		return strings.Join([]string{ns, group, resource, verb}, " ")
	}
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"kill-image", []string{"--lease-namespace", "lease", "--provider-namespace", "prov", "leases", "kill-image", "--image", "xmrig", "--schedule", "* * * * *"}, []string{
			grant("lease", "akash.network", "manifests", "list"),
			grant("prov", core, "pods", "list"), grant("prov", core, "pods/exec", "create"), grant("prov", core, "pods/exec", "get"),
		}},
		{"force-new", []string{"replicasets", "force-new", "--schedule", "* * * * *"}, []string{
			grant("*", core, "events", "list"), grant("*", core, "namespaces", "list"), grant("*", core, "pods", "list"),
			grant("*", apps, "deployments", "list"), grant("*", apps, "replicasets", "delete"), grant("*", apps, "replicasets", "list"),
		}},
		{"force-new -n", []string{"-n", "tenant", "replicasets", "force-new", "--schedule", "* * * * *"}, []string{
			grant("*", core, "namespaces", "get"), grant("*", core, "namespaces", "list"),
			grant("tenant", core, "events", "list"), grant("tenant", core, "pods", "list"),
			grant("tenant", apps, "deployments", "list"), grant("tenant", apps, "replicasets", "delete"), grant("tenant", apps, "replicasets", "list"),
		}},
		{"clean-failed", []string{"pods", "clean-failed", "--schedule", "* * * * *"}, []string{
			grant("*", core, "namespaces", "list"), grant("*", core, "pods", "delete"), grant("*", core, "pods", "list"),
		}},
		{"dangling", []string{"--lease-namespace", "lease", "--provider-namespace", "prov", "dangling", "--schedule", "* * * * *"}, []string{
			grant("*", core, "namespaces", "list"), grant("*", core, "pods", "list"),
			grant("lease", "akash.network", "manifests", "list"), grant("lease", "akash.network", "providerhosts", "list"), grant("lease", "akash.network", "providerleasedips", "list"),
			grant("prov", core, "pods", "list"), grant("prov", core, "pods/exec", "create"), grant("prov", core, "pods/exec", "get"),
		}},
		{"dangling --api", []string{"--lease-namespace", "lease", "dangling", "--api", "https://api.example:443", "--schedule", "* * * * *"}, []string{
			grant("*", core, "namespaces", "list"), grant("*", core, "pods", "list"),
			grant("lease", "akash.network", "manifests", "list"), grant("lease", "akash.network", "providerhosts", "list"), grant("lease", "akash.network", "providerleasedips", "list"),
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sort.Strings(c.want)
			got := printedGrants(t, c.args...)
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("grants\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}
