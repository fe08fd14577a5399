package cmd

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

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
// kubeconfig's entries, and node arguments of the node-debug checks the
// cluster's node names. cobra's own `completion bash|zsh|fish|powershell`
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
		if c.Name() != "node-debug" {
			continue
		}
		for _, check := range c.Commands() {
			if check.ValidArgsFunction == nil && !check.Hidden {
				check.ValidArgsFunction = completeNodeNames(g)
			}
		}
	}
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
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return listNames(toComplete, nil, func(ctx context.Context) ([]string, error) {
			c, err := g.Clients()
			if err != nil {
				return nil, err
			}
			l, err := c.Kube.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: selector})
			if err != nil {
				return nil, err
			}
			var out []string
			for _, ns := range l.Items {
				out = append(out, ns.Name)
			}
			return out, nil
		})
	}
}

// completeNodeNames completes node names, leaving out those already given.
func completeNodeNames(g *Globals) completeFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return listNames(toComplete, args, func(ctx context.Context) ([]string, error) {
			c, err := g.Clients()
			if err != nil {
				return nil, err
			}
			l, err := c.Kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
			if err != nil {
				return nil, err
			}
			var out []string
			for _, n := range l.Items {
				out = append(out, n.Name)
			}
			return out, nil
		})
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
	return out
}
