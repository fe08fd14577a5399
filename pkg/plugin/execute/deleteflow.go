package execute

import (
	"k8s.io/client-go/dynamic"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// DeleteFlow is the flow of a plan made only of Kubernetes deletes, applied
// by the Kube applier (with the namespace guard over protected). question
// says the change from the number of deletes still planned. The clean-up
// commands (Failed pods, stuck ReplicaSets) are this flow over their own
// result and table; the caller sets its streams and output.
func (o *Options) DeleteFlow(plan *Plan, dyn dynamic.Interface, protected []string, result any, table output.TableFunc, question func(planned int) string) *Flow {
	return &Flow{
		Options:  o,
		Result:   result,
		Table:    table,
		Plan:     plan,
		Engine:   o.NewEngine().Register(o.NewKube(dyn, protected...), Delete),
		Question: question(CountPlanned(plan.Actions())),
	}
}
