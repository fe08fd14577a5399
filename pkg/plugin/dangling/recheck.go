package dangling

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

// StillNothingInCluster re-checks, right before a bid is closed, that the
// cluster still holds nothing of the lease: its tenant may have sent the
// manifest since the plan was made.
func StillNothingInCluster(kube kubernetes.Interface, dyn dynamic.Interface, leaseNS string, id akash.LeaseID) func(ctx context.Context) *execute.Outcome {
	return func(ctx context.Context) *execute.Outcome {
		ns := id.Namespace()
		_, err := kube.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		if err == nil {
			return &execute.Outcome{Result: execute.Skipped, Message: "namespace " + ns + " exists now (the tenant sent the manifest): the bid is not closed"}
		}
		if !apierrors.IsNotFound(err) {
			return &execute.Outcome{Result: execute.Failed, Message: "cannot re-check the cluster before closing: " + cli.Explain(err, "getting namespace "+ns).Error()}
		}
		_, err = dyn.Resource(akash.ManifestGVR).Namespace(leaseNS).Get(ctx, ns, metav1.GetOptions{})
		if err == nil {
			return &execute.Outcome{Result: execute.Skipped, Message: "Manifest " + leaseNS + "/" + ns + " exists now (the tenant sent the manifest): the bid is not closed"}
		}
		if !apierrors.IsNotFound(err) {
			return &execute.Outcome{Result: execute.Failed, Message: "cannot re-check the cluster before closing: " + cli.Explain(err, "getting Manifest "+leaseNS+"/"+ns).Error()}
		}
		return nil
	}
}
