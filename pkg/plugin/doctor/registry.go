package doctor

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodecheck"
)

// ClusterCheck is one check of the cluster side: a pure function of the
// Input, and the snapshot resources it cannot run without.
type ClusterCheck struct {
	Name        string
	Section     string
	Description string
	Needs       []Resource
	Run         func(in *Input) CheckResult
}

// Sections in the order they are printed, with their titles. Node checks
// land in the section nodeSections names, or in "nodes".
var sectionTitles = []struct{ Name, Title string }{
	{"rollouts", "Rollouts"},
	{"pods", "Lease pods"},
	{"leases", "Leases on chain"},
	{"provider", "Provider service"},
	{"gpu", "GPUs"},
	{"certificates", "Certificates"},
	{"processes", "Processes and PIDs"},
	{"memory", "Memory"},
	{"mounts", "Mounts"},
	{"kubelet", "Kubelet"},
	{"nodes", "Nodes"},
}

// nodeSections puts nodecheck's checks in the section of what they are
// about; a check not named here is in "nodes".
var nodeSections = map[string]string{
	"zombies": "processes", "pids": "processes",
	"memcg": "memory", "pressure": "memory",
	"mounts":  "mounts",
	"kubelet": "kubelet",
	"certs":   "certificates", "certificates": "certificates",
	"gpu": "gpu",
}

// NodeSection is the section of a node check.
func NodeSection(check string) string {
	if s, ok := nodeSections[check]; ok {
		return s
	}
	return "nodes"
}

// ClusterChecks are every cluster check, in report order.
func ClusterChecks() []ClusterCheck {
	return []ClusterCheck{
		{Name: "stuck-rollouts", Section: "rollouts", Description: "Deployment updates that cannot schedule while the old pod holds the resources (replicasets force-new)",
			Needs: []Resource{ResLeaseNamespaces, ResDeployments, ResReplicaSets, ResPods}, Run: checkStuckRollouts},
		{Name: "lost-commands", Section: "rollouts", Description: "services whose Manifest lost the SDL command (manifests heal)",
			Needs: []Resource{ResLeaseNamespaces, ResManifests, ResDeployments, ResReplicaSets, ResStatefulSets}, Run: checkLostCommands},
		{Name: "failed-pods", Section: "pods", Description: "Failed pods of lease namespaces (pods clean-failed)",
			Needs: []Resource{ResLeaseNamespaces, ResPods}, Run: checkFailedPods},
		{Name: "unhealthy-pods", Section: "pods", Description: "lease pods whose containers cannot start or keep crashing",
			Needs: []Resource{ResLeaseNamespaces, ResPods}, Run: checkUnhealthyPods},
		{Name: "dangling", Section: "leases", Description: "leases the chain and the cluster disagree on, both ways (dangling)",
			Needs: []Resource{ResLeaseNamespaces, ResManifests, ResProviderHosts, ResProviderIPs, ResPods}, Run: checkDangling},
		{Name: "provider-pods", Section: "provider", Description: "the akash-provider pods are there and Ready",
			Needs: []Resource{ResProviderPods}, Run: checkProviderPods},
		{Name: "provider-status", Section: "provider", Description: "the provider's /status answers through the API server's service proxy",
			Needs: []Resource{ResProviderPods}, Run: checkProviderStatus},
		{Name: "device-plugin", Section: "gpu", Description: "GPU nodes have a Ready NVIDIA device plugin pod and no GPU marked unhealthy",
			Needs: []Resource{ResNodes}, Run: checkDevicePlugin},
		{Name: "apiserver-cert", Section: "certificates", Description: "the API server's serving certificate (a TLS handshake to the kubeconfig's server)",
			Run: checkAPIServerCert},
		{Name: "kubeconfig-cert", Section: "certificates", Description: "the kubeconfig's client certificate",
			Run: checkKubeconfigCert},
	}
}

// Selection is the checks one run runs: cluster checks by value, node
// checks by name (nodecheck owns them).
type Selection struct {
	Cluster []ClusterCheck
	Node    []string
	// Skipped are the checks --checks and --skip left out.
	Skipped []string
	// NoNodes says the node checks were left out by --no-nodes.
	NoNodes bool
}

// WithoutNodes leaves every node check out (--no-nodes).
func (s Selection) WithoutNodes() Selection {
	s.Skipped, s.Node, s.NoNodes = append(s.Skipped, s.Node...), nil, true
	return s
}

// Select applies --checks (only these; empty: all) and --skip to the
// cluster checks and the node checks named in nodeChecks. An unknown name
// is one sentence listing every check; so is a selection that leaves
// nothing.
func Select(only, skip, nodeChecks []string) (Selection, error) {
	known := map[string]bool{}
	var all []string
	for _, c := range ClusterChecks() {
		known[c.Name] = true
		all = append(all, c.Name)
	}
	for _, n := range nodeChecks {
		known[n] = true
		all = append(all, n)
	}
	sort.Strings(all)
	want, drop, unknown := nodecheck.NameSets(func(n string) bool { return known[n] }, only, skip)
	if len(unknown) > 0 {
		return Selection{}, fmt.Errorf("unknown check(s) %s: the checks are %s", strings.Join(unknown, ", "), strings.Join(all, ", "))
	}
	picked := func(n string) bool { return (len(want) == 0 || want[n]) && !drop[n] }
	var s Selection
	for _, c := range ClusterChecks() {
		if picked(c.Name) {
			s.Cluster = append(s.Cluster, c)
		} else {
			s.Skipped = append(s.Skipped, c.Name)
		}
	}
	for _, n := range nodeChecks {
		if picked(n) {
			s.Node = append(s.Node, n)
		} else {
			s.Skipped = append(s.Skipped, n)
		}
	}
	if len(s.Cluster)+len(s.Node) == 0 {
		return Selection{}, fmt.Errorf("no check left to run after --checks and --skip: the checks are %s", strings.Join(all, ", "))
	}
	return s, nil
}

// Needs is every snapshot resource the selected cluster checks need.
func (s Selection) Needs() map[Resource]bool {
	m := map[Resource]bool{}
	for _, c := range s.Cluster {
		for _, r := range c.Needs {
			m[r] = true
		}
	}
	return m
}

// Has says whether a check of that name was selected.
func (s Selection) Has(name string) bool {
	for _, c := range s.Cluster {
		if c.Name == name {
			return true
		}
	}
	for _, n := range s.Node {
		if n == name {
			return true
		}
	}
	return false
}
