package failedpods

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Table renders failed pods for people: one row per pod, with its lease.
func Table(items []FailedPod, now func() metav1.Time) *output.Table {
	t := output.NewTable(
		output.Column{Name: "NAMESPACE"},
		output.Column{Name: "POD"},
		output.Column{Name: "LEASE", Description: "owner/dseq"},
		output.Column{Name: "REASON"},
		output.Column{Name: "FAILED"},
		output.Column{Name: "RESULT"},
		output.Column{Name: "MESSAGE"},
		output.Column{Name: "SERVICE", Wide: true},
		output.Column{Name: "NODE", Wide: true},
		output.Column{Name: "WHY", Wide: true},
	)
	for _, f := range items {
		result, msg := execute.Summarize(f.Status.Actions)
		if len(f.Status.Actions) == 0 {
			result, msg = "Kept", f.Status.Note
		}
		t.AddRow(f.Namespace, f.Name, fmt.Sprintf("%s/%d", f.Spec.LeaseID.Owner, f.Spec.LeaseID.DSeq), f.Spec.Reason,
			output.Age(f.Spec.FailedAt, now), result, output.Or(msg, output.None),
			output.Or(f.Spec.Service, output.None), output.Or(f.Spec.Node, output.None), output.Or(f.Spec.Message, output.None))
	}
	return t
}
