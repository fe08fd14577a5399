package leases

import (
	"context"
	"io"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kwatch "k8s.io/apimachinery/pkg/watch"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/watch"
)

// Watchers are the watches on what Read depends on — the Manifests, the
// lease namespaces and their pods — so that `leases list -w` reads again
// when one of them changes.
func (q Query) Watchers(clients *cli.Clients) []watch.Opener {
	managed := metav1.ListOptions{LabelSelector: akash.LabelManaged + "=true"}
	return []watch.Opener{
		func(ctx context.Context) (kwatch.Interface, error) {
			w, err := clients.Dynamic.Resource(akash.ManifestGVR).Namespace(q.LeaseNamespace).Watch(ctx, metav1.ListOptions{})
			return w, cli.Explain(err, "watching Manifests in namespace "+q.LeaseNamespace)
		},
		func(ctx context.Context) (kwatch.Interface, error) {
			w, err := clients.Kube.CoreV1().Namespaces().Watch(ctx, managed)
			return w, cli.Explain(err, "watching lease namespaces")
		},
		func(ctx context.Context) (kwatch.Interface, error) {
			w, err := clients.Kube.CoreV1().Pods(q.Filter.Namespace).Watch(ctx, managed)
			return w, cli.Explain(err, "watching lease pods")
		},
	}
}

// Frame is one read's leases for the watch: each by its name, printed (the
// changed ones, in order) by print.
func Frame(items []Lease, print func(out io.Writer, items []Lease, noHeaders bool) error) *watch.Frame {
	f := &watch.Frame{Objects: map[string]any{}, Print: func(out io.Writer, names map[string]bool, headers bool) error {
		var changed []Lease
		for _, l := range items {
			if names[l.Name] {
				changed = append(changed, l)
			}
		}
		return print(out, changed, !headers)
	}}
	for _, l := range items {
		f.Objects[l.Name] = l
	}
	return f
}
