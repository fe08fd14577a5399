package completion

import (
	"context"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// Func is cobra's dynamic completion signature.
type Func = func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective)

// Cluster completes from the cluster and kubeconfig that the global flags
// name, as parsed when the shell asks. Its methods are Funcs; errors give
// no suggestions rather than noise in the shell.
type Cluster struct{ g *cli.Globals }

// For completes from the cluster of g.
func For(g *cli.Globals) Cluster { return Cluster{g} }

// LeaseNamespaces completes the lease namespaces: what -n means to every
// lease command.
func (c Cluster) LeaseNamespaces(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return c.names(LeaseNamespaces, toComplete, nil)
}

// Namespaces completes every namespace.
func (c Cluster) Namespaces(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return c.names(Namespaces, toComplete, nil)
}

// LeaseOwners completes the tenants that have leases here.
func (c Cluster) LeaseOwners(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return c.names(LeaseOwners, toComplete, nil)
}

// ProviderPods completes the akash-provider pods of --provider-namespace.
func (c Cluster) ProviderPods(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return c.names(func(ctx context.Context, kube kubernetes.Interface) ([]string, error) {
		return ProviderPods(c.g.ProviderNamespace)(ctx, kube)
	}, toComplete, nil)
}

// Nodes completes node names, leaving out those already given.
func (c Cluster) Nodes(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return c.names(Nodes, toComplete, args)
}

// names completes what src reads from the cluster (one LIST), leaving out
// exclude.
func (c Cluster) names(src Source, toComplete string, exclude []string) ([]string, cobra.ShellCompDirective) {
	clients, err := c.g.Clients()
	var names []string
	if err == nil {
		names, err = Candidates(clients.Kube, src, toComplete, exclude)
	}
	if err != nil {
		cobra.CompDebugln("kubectl akash: completion: "+err.Error(), false)
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// Kubeconfig completes context, cluster or user names from the
// kubeconfig, without any API call.
func (c Cluster) Kubeconfig(what string) Func {
	return Words(func() []string {
		raw, err := c.g.ConfigFlags.ToRawKubeConfigLoader().RawConfig()
		if err != nil {
			return nil
		}
		return Kubeconfig(raw, what)
	})
}

// Words completes the names list returns, without any API call.
func Words(list func() []string) Func {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return Filter(list(), toComplete, nil), cobra.ShellCompDirectiveNoFileComp
	}
}

// List completes the last name of a comma-separated list with f.
func List(f Func) Func {
	return func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		head := toComplete[:strings.LastIndex(toComplete, ",")+1]
		names, directive := f(c, args, strings.TrimPrefix(toComplete, head))
		for i := range names {
			names[i] = head + names[i]
		}
		return names, directive
	}
}

// Files completes file names with one of the extensions.
func Files(ext ...string) Func {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return ext, cobra.ShellCompDirectiveFilterFileExt
	}
}

// DryRun completes --dry-run=, whose bare form is refused.
func DryRun(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return []string{
		"none\tact (the default)",
		"client\tprint what would be done",
		"server\tthe API server checks each change, nothing is kept",
	}, cobra.ShellCompDirectiveNoFileComp
}

// OnFlags registers each Func on the flag of its name, which root (or a
// persistent flag of it) has.
func OnFlags(root *cobra.Command, table map[string]Func) {
	for name, f := range table {
		_ = root.RegisterFlagCompletionFunc(name, f)
	}
}

// OnArgs completes the arguments of the visible subcommands of the groups
// named (that have no completion of their own) with f.
func OnArgs(root *cobra.Command, f Func, groups ...string) {
	for _, c := range root.Commands() {
		for _, sub := range c.Commands() {
			if slices.Contains(groups, c.Name()) && sub.ValidArgsFunction == nil && !sub.Hidden {
				sub.ValidArgsFunction = f
			}
		}
	}
}

// OnLocalFlags registers each Func on the flag of its name wherever a
// command of the tree defines it locally; with under, only on the
// subcommands of the command of that name.
func OnLocalFlags(c *cobra.Command, under string, table map[string]Func) {
	p := c.Parent()
	if under == "" || p != nil && p.Name() == under {
		local := c.LocalNonPersistentFlags() // merges the tree's flags: once per command
		for name, f := range table {
			if local.Lookup(name) != nil {
				_ = c.RegisterFlagCompletionFunc(name, f)
			}
		}
	}
	for _, sub := range c.Commands() {
		OnLocalFlags(sub, under, table)
	}
}
