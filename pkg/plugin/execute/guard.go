package execute

import (
	"context"
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// guardNamespace is the rule no plan can get past: a namespace is deleted
// only when it is the lease namespace of the action's lease. The name must
// be the lease ID's namespace hash, and the namespace as the API server
// has it now (not as the plan saw it) must carry the provider's labels of
// that same lease. default, kube-*, and the provider's own namespaces are
// never deleted. A refusal is a Refused outcome, which stops the rest of
// the lease's group.
func (k *Kube) guardNamespace(ctx context.Context, a *Action) *Outcome {
	name := a.Target.Name
	refuse := func(format string, args ...any) *Outcome {
		return &Outcome{Result: Refused, Message: fmt.Sprintf("namespace %s is not deleted: ", name) + fmt.Sprintf(format, args...)}
	}
	if name == "default" || strings.HasPrefix(name, "kube-") || slices.Contains(k.Protected, name) {
		return refuse("it is a system or provider namespace, which this tool never deletes")
	}
	if a.Lease == nil {
		return refuse("the plan does not say which lease it belongs to")
	}
	if want := a.Lease.Namespace(); want != name {
		return refuse("lease %s lives in namespace %s, not in this one", a.Lease, want)
	}
	ns, err := k.Client.Resource(a.Target.GVR()).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil // the delete itself reports NotFound, Forbidden, ...
	}
	labels := ns.GetLabels()
	id, ok := akash.LeaseIDFromLabels(labels)
	switch {
	case labels[akash.LabelManaged] != "true":
		return refuse("it does not carry the provider's label %s=true", akash.LabelManaged)
	case !ok || id != *a.Lease:
		return refuse("its lease labels do not name lease %s", a.Lease)
	case labels[akash.LabelNamespace] != "" && labels[akash.LabelNamespace] != name:
		return refuse("its label %s names namespace %s", akash.LabelNamespace, labels[akash.LabelNamespace])
	}
	return nil
}
