package cmd

import (
	"context"

	"github.com/spf13/cobra"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/completion"
)

// completeFunc is cobra's dynamic completion signature.
type completeFunc = func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective)

// registerCompletions wires dynamic completion into the finished command
// tree: -n completes lease namespaces, --lease-namespace and
// --provider-namespace every namespace, --context/--cluster/--user the
// kubeconfig's entries, and node arguments of the node-debug checks and of
// certs the cluster's node names. cobra's own `completion bash|zsh|fish|powershell`
// writes the shell scripts that call these through `__complete`.
func registerCompletions(root *cobra.Command, g *Globals) {
	_ = root.RegisterFlagCompletionFunc("namespace", completeLeaseNamespaces(g))
	_ = root.RegisterFlagCompletionFunc("lease-namespace", completeNamespaces(g))
	_ = root.RegisterFlagCompletionFunc("provider-namespace", completeNamespaces(g))
	_ = root.RegisterFlagCompletionFunc("context", completeKubeconfig(g, "context"))
	_ = root.RegisterFlagCompletionFunc("cluster", completeKubeconfig(g, "cluster"))
	_ = root.RegisterFlagCompletionFunc("user", completeKubeconfig(g, "user"))
	_ = root.RegisterFlagCompletionFunc(pluginsFlag, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
	})
	for _, c := range root.Commands() {
		if c.Name() != "node-debug" && c.Name() != "certs" {
			continue
		}
		for _, check := range c.Commands() {
			if check.ValidArgsFunction == nil && !check.Hidden {
				check.ValidArgsFunction = completeNodeNames(g)
			}
		}
	}
	registerFlagCompletions(root, g)
}

// registerFlagCompletions completes the flags that several commands define
// locally, wherever they are: --debug-namespace every namespace, --node node
// names, --owner the tenants that have leases, --dry-run its three values,
// and a provider command's --pod the provider pods.
func registerFlagCompletions(c *cobra.Command, g *Globals) {
	register := func(name string, f completeFunc) {
		if c.LocalNonPersistentFlags().Lookup(name) != nil {
			_ = c.RegisterFlagCompletionFunc(name, f)
		}
	}
	register("debug-namespace", completeNamespaces(g))
	register("node", completeNodeNames(g))
	register("owner", completeLeaseOwners(g))
	register("dry-run", completeDryRun)
	if p := c.Parent(); p != nil && p.Name() == "provider" {
		register("pod", completeProviderPods(g))
	}
	for _, sub := range c.Commands() {
		registerFlagCompletions(sub, g)
	}
}

// completeDryRun completes --dry-run=, whose bare form is refused.
func completeDryRun(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return []string{
		"none\tact (the default)",
		"client\tprint what would be done",
		"server\tthe API server checks each change, nothing is kept",
	}, cobra.ShellCompDirectiveNoFileComp
}

// completeLeaseNamespaces completes the lease namespaces: what -n means to
// every lease command.
func completeLeaseNamespaces(g *Globals) completeFunc {
	return completeFromCluster(g, false, completion.LeaseNamespaces)
}

// completeNamespaces completes every namespace.
func completeNamespaces(g *Globals) completeFunc {
	return completeFromCluster(g, false, completion.Namespaces)
}

// completeLeaseOwners completes the tenants that have leases here.
func completeLeaseOwners(g *Globals) completeFunc {
	return completeFromCluster(g, false, completion.LeaseOwners)
}

// completeProviderPods completes the akash-provider pods of
// --provider-namespace as parsed when the shell asks.
func completeProviderPods(g *Globals) completeFunc {
	return completeFromCluster(g, false, func(ctx context.Context, kube kubernetes.Interface) ([]string, error) {
		return completion.ProviderPods(g.ProviderNamespace)(ctx, kube)
	})
}

// completeNodeNames completes node names, leaving out those already given.
func completeNodeNames(g *Globals) completeFunc {
	return completeFromCluster(g, true, completion.Nodes)
}

// completeFromCluster completes the names src reads from the cluster (one
// LIST); with excludeArgs, the arguments already given are left out. Errors
// give no suggestions rather than noise in the shell.
func completeFromCluster(g *Globals, excludeArgs bool, src completion.Source) completeFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if !excludeArgs {
			args = nil
		}
		c, err := g.Clients()
		var names []string
		if err == nil {
			names, err = completion.Candidates(c.Kube, src, toComplete, args)
		}
		if err != nil {
			cobra.CompDebugln("kubectl akash: completion: "+err.Error(), false)
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeKubeconfig completes context, cluster or user names from the
// kubeconfig, without any API call.
func completeKubeconfig(g *Globals, what string) completeFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		raw, err := g.ConfigFlags.ToRawKubeConfigLoader().RawConfig()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return filterNames(completion.Kubeconfig(raw, what), toComplete, nil), cobra.ShellCompDirectiveNoFileComp
	}
}

// filterNames keeps the names starting with a prefix (completion.Filter).
var filterNames = completion.Filter
