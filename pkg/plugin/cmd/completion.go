package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/completion"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/fleet"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/plugins"
)

// registerCompletions wires dynamic completion into the finished command
// tree (package completion): the global flags, the node arguments of the
// node-debug checks and of certs, and the flags several commands define
// locally. cobra's own `completion bash|zsh|fish|powershell` writes the
// shell scripts that call these through `__complete`.
func registerCompletions(root *cobra.Command, g *Globals) {
	c := completion.For(&g.Globals)
	completion.OnFlags(root, map[string]completion.Func{
		"namespace": c.LeaseNamespaces, "lease-namespace": c.Namespaces, "provider-namespace": c.Namespaces,
		"context": c.Kubeconfig("context"), "cluster": c.Kubeconfig("cluster"), "user": c.Kubeconfig("user"),
		"contexts": completion.List(c.Kubeconfig("context")), "fleet": completion.Words(fleet.FleetNames),
		plugins.FileFlag: completion.Files("yaml", "yml"),
	})
	completion.OnArgs(root, c.Nodes, "node-debug", "certs")
	completion.OnLocalFlags(root, "", map[string]completion.Func{
		"debug-namespace": c.Namespaces, "node": c.Nodes, "owner": c.LeaseOwners, "dry-run": completion.DryRun,
	})
	completion.OnLocalFlags(root, "provider", map[string]completion.Func{"pod": c.ProviderPods})
}
