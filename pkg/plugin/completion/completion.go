// Package completion finds the words a shell completes from the cluster and
// the kubeconfig: lease namespaces, namespaces, the tenants that have leases,
// provider pods, node names, and kubeconfig entries. Each source takes a
// client and returns names; the cobra layer only registers them on flags and
// arguments. Completion is exempt from snapshot reads: one small LIST under a
// short timeout is what a shell waiting on a keypress can afford.
package completion

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// Timeout bounds the API calls a completion makes: a shell waiting on an
// unreachable cluster is worse than no suggestions.
const Timeout = 5 * time.Second

// Source reads candidate names from the cluster, with one LIST.
type Source func(ctx context.Context, kube kubernetes.Interface) ([]string, error)

// Candidates runs src under Timeout and keeps the names starting with
// prefix that are not in exclude, sorted and without repeats.
func Candidates(kube kubernetes.Interface, src Source, prefix string, exclude []string) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	names, err := src(ctx, kube)
	if err != nil {
		return nil, err
	}
	return Filter(names, prefix, exclude), nil
}

// Filter keeps the names starting with prefix that are not in exclude,
// sorted and without repeats (never nil).
func Filter(names []string, prefix string, exclude []string) []string {
	out := []string{}
	for _, n := range names {
		if strings.HasPrefix(n, prefix) && !slices.Contains(exclude, n) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// LeaseNamespaces are the lease namespaces (label akash.network=true), which
// is what -n means to every lease command.
func LeaseNamespaces(ctx context.Context, kube kubernetes.Interface) ([]string, error) {
	return namespaces(ctx, kube, akash.LabelManaged+"=true")
}

// Namespaces are every namespace.
func Namespaces(ctx context.Context, kube kubernetes.Interface) ([]string, error) {
	return namespaces(ctx, kube, "")
}

func namespaces(ctx context.Context, kube kubernetes.Interface, selector string) ([]string, error) {
	l, err := kube.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return nil, err
	}
	return namesOf(l.Items), nil
}

// LeaseOwners are the tenant addresses that have leases on this provider:
// the owner label of the lease namespaces.
func LeaseOwners(ctx context.Context, kube kubernetes.Interface) ([]string, error) {
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
}

// ProviderPods returns the Source of the akash-provider pods of namespace.
func ProviderPods(namespace string) Source {
	return func(ctx context.Context, kube kubernetes.Interface) ([]string, error) {
		l, err := kube.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: akash.LabelProviderApp + "=" + akash.ProviderApp})
		if err != nil {
			return nil, err
		}
		return namesOf(l.Items), nil
	}
}

// Nodes are the cluster's node names.
func Nodes(ctx context.Context, kube kubernetes.Interface) ([]string, error) {
	l, err := kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	return namesOf(l.Items), nil
}

// Kubeconfig returns the names of the kubeconfig's entries of one kind:
// "context", "cluster" or "user" (nil for any other), in no order.
func Kubeconfig(raw clientcmdapi.Config, kind string) []string {
	var names []string
	switch kind {
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
	return names
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
