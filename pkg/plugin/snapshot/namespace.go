package snapshot

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// RequireNamespace fails when -n names a namespace that does not exist, so
// a typo is not mistaken for "nothing found". A lease namespace already in
// the snapshot costs nothing; anything else costs one GET.
func RequireNamespace(ctx context.Context, c *cli.Clients, snap *Snapshot, ns string) error {
	if ns == "" {
		return nil
	}
	for i := range snap.Namespaces {
		if snap.Namespaces[i].Name == ns {
			return nil
		}
	}
	_, err := c.Kube.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("namespace %q not found: check -n", ns)
	}
	return cli.Explain(err, "checking namespace "+ns)
}

// LoadChecked builds the clients of g, loads spec, and refuses a -n
// (spec.Namespace) that does not exist (RequireNamespace): the start of every
// command that reads the cluster once and then acts on what it found.
func LoadChecked(ctx context.Context, g *cli.Globals, spec Spec) (*cli.Clients, *Snapshot, error) {
	clients, err := g.Clients()
	if err != nil {
		return nil, nil, err
	}
	snap, err := Load(ctx, clients, spec)
	if err != nil {
		return nil, nil, err
	}
	if err := RequireNamespace(ctx, clients, snap, spec.Namespace); err != nil {
		return nil, nil, err
	}
	return clients, snap, nil
}
