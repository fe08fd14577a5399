package cmd

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// completionTimeout bounds the API calls a completion makes: a shell waiting
// on an unreachable cluster is worse than no suggestions.
const completionTimeout = 5 * time.Second

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

// completeLeaseNamespaces completes the lease namespaces (label
// akash.network=true), which is what -n means to every lease command.
func completeLeaseNamespaces(g *Globals) completeFunc {
	return completeNamespacesMatching(g, akash.LabelManaged+"=true")
}

// completeNamespaces completes every namespace.
func completeNamespaces(g *Globals) completeFunc {
	return completeNamespacesMatching(g, "")
}

// completeNamespacesMatching completes the namespaces a label selector
// matches, with one LIST.
func completeNamespacesMatching(g *Globals, selector string) completeFunc {
	return completeFromCluster(g, false, func(ctx context.Context, kube kubernetes.Interface) ([]string, error) {
		l, err := kube.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: selector})
		if err != nil {
			return nil, err
		}
		return namesOf(l.Items), nil
	})
}

// completeLeaseOwners completes the tenant addresses that have leases on
// this provider: the owner label of the lease namespaces, with one LIST.
func completeLeaseOwners(g *Globals) completeFunc {
	return completeFromCluster(g, false, func(ctx context.Context, kube kubernetes.Interface) ([]string, error) {
		l, err := kube.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: akash.LabelManaged + "=true"})
		if err != nil {
			return nil, err
		}
		var out []string
		for _, ns := range l.Items {
			if o := ns.Labels[akash.LabelLeaseOwner]; o != "" {
				out = append(out, o)
			}
		}
		return out, nil
	})
}

// completeProviderPods completes the akash-provider pods of
// --provider-namespace, with one LIST.
func completeProviderPods(g *Globals) completeFunc {
	return completeFromCluster(g, false, func(ctx context.Context, kube kubernetes.Interface) ([]string, error) {
		l, err := kube.CoreV1().Pods(g.ProviderNamespace).List(ctx, metav1.ListOptions{LabelSelector: akash.LabelProviderApp + "=" + akash.ProviderApp})
		if err != nil {
			return nil, err
		}
		return namesOf(l.Items), nil
	})
}

// completeNodeNames completes node names, leaving out those already given.
func completeNodeNames(g *Globals) completeFunc {
	return completeFromCluster(g, true, func(ctx context.Context, kube kubernetes.Interface) ([]string, error) {
		l, err := kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		return namesOf(l.Items), nil
	})
}

// completeFromCluster completes the names list reads from the cluster
// (one LIST); with excludeArgs, the arguments already given are left out.
func completeFromCluster(g *Globals, excludeArgs bool, list func(ctx context.Context, kube kubernetes.Interface) ([]string, error)) completeFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if !excludeArgs {
			args = nil
		}
		return listNames(toComplete, args, func(ctx context.Context) ([]string, error) {
			c, err := g.Clients()
			if err != nil {
				return nil, err
			}
			return list(ctx, c.Kube)
		})
	}
}

// namesOf returns the names of a LIST's items.
func namesOf[T any, P interface {
	*T
	GetName() string
}](items []T) []string {
	out := make([]string, 0, len(items))
	for i := range items {
		out = append(out, P(&items[i]).GetName())
	}
	return out
}

// completeKubeconfig completes context, cluster or user names from the
// kubeconfig, without any API call.
func completeKubeconfig(g *Globals, what string) completeFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		raw, err := g.ConfigFlags.ToRawKubeConfigLoader().RawConfig()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var names []string
		switch what {
		case "context":
			for n := range raw.Contexts {
				names = append(names, n)
			}
		case "cluster":
			for n := range raw.Clusters {
				names = append(names, n)
			}
		case "user":
			for n := range raw.AuthInfos {
				names = append(names, n)
			}
		}
		return filterNames(names, toComplete, nil), cobra.ShellCompDirectiveNoFileComp
	}
}

// listNames runs one LIST under a short timeout and keeps the names starting
// with toComplete. Errors give no suggestions rather than noise in the shell.
func listNames(toComplete string, exclude []string, list func(ctx context.Context) ([]string, error)) ([]string, cobra.ShellCompDirective) {
	ctx, cancel := context.WithTimeout(context.Background(), completionTimeout)
	defer cancel()
	names, err := list(ctx)
	if err != nil {
		cobra.CompDebugln("kubectl akash: completion: "+err.Error(), false)
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return filterNames(names, toComplete, exclude), cobra.ShellCompDirectiveNoFileComp
}

func filterNames(names []string, prefix string, exclude []string) []string {
	out := []string{}
	for _, n := range names {
		if strings.HasPrefix(n, prefix) && !slices.Contains(exclude, n) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}
