package cmd

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// requireNamespace fails when -n names a namespace that does not exist, so
// a typo is not mistaken for "nothing found". A lease namespace already in
// the snapshot costs nothing; anything else costs one GET.
func requireNamespace(ctx context.Context, c *cli.Clients, snap *snapshot.Snapshot, ns string) error {
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

// validSelector checks a -l selector before any API call.
func validSelector(sel string) error {
	if _, err := labels.Parse(sel); err != nil {
		return fmt.Errorf("-l %q is not a valid label selector: %w", sel, err)
	}
	return nil
}

// selectorCheck is validSelector as one of firstError's checks.
func selectorCheck(sel string) func() error {
	return func() error { return validSelector(sel) }
}

// firstError runs flag checks in order and returns the first failure: most
// commands check the same flag groups (output, execution, chain) before any
// API call.
func firstError(checks ...func() error) error {
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}
