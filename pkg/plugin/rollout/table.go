package rollout

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// StuckTable renders stuck rollouts for people.
func StuckTable(items []StuckRollout, now func() metav1.Time) *output.Table {
	t := output.NewTable(
		output.Column{Name: "NAMESPACE"},
		output.Column{Name: "LEASE", Description: "owner/dseq"},
		output.Column{Name: "DEPLOYMENT"},
		output.Column{Name: "WHY STUCK", Description: "the scheduler's message for the new pod"},
		output.Column{Name: "NEW REPLICASET"},
		output.Column{Name: "DELETE", Description: "older ReplicaSets of this Deployment to delete"},
		output.Column{Name: "RESULT"},
		output.Column{Name: "MESSAGE"},
		output.Column{Name: "SINCE", Wide: true},
		output.Column{Name: "ROLLOUT STATUS", Wide: true},
		output.Column{Name: "STRATEGY", Wide: true, Description: "the Deployment's rollout strategy"},
	)
	for _, r := range items {
		var del []string
		for _, a := range r.Status.Actions {
			del = append(del, a.Target.Name)
		}
		result, msg := execute.Summarize(r.Status.Actions)
		if len(r.Status.Actions) == 0 {
			result, msg = "NothingToDo", r.Status.Note
		}
		t.AddRow(r.Namespace, leaseShort(r.Spec.LeaseID), r.Name, r.Spec.Reason, r.Spec.NewReplicaSet,
			output.Or(strings.Join(del, ","), output.None), result, output.Or(msg, output.None), output.Age(r.Spec.Since, now), r.Spec.RolloutStatus, r.Spec.Strategy.String())
	}
	return t
}

// LostCommandTable renders lost commands for people.
func LostCommandTable(items []LostCommand) *output.Table {
	t := output.NewTable(
		output.Column{Name: "NAMESPACE"},
		output.Column{Name: "LEASE", Description: "owner/dseq"},
		output.Column{Name: "WORKLOAD"},
		output.Column{Name: "SERVICE"},
		output.Column{Name: "COMMAND", Description: "the command to restore"},
		output.Column{Name: "MANIFEST SERVICE", Description: "manifest and index of the service of that name"},
		output.Column{Name: "RESULT"},
		output.Column{Name: "MESSAGE"},
		output.Column{Name: "FROM REVISION", Wide: true},
		output.Column{Name: "PROVIDER RESTART", Wide: true},
	)
	for _, r := range items {
		result, msg := execute.Summarize(r.Status.Actions)
		switch {
		case r.Status.Error != "":
			result, msg = "Error", r.Status.Error
		case len(r.Status.Actions) == 0:
			result, msg = "NothingToDo", r.Status.Note
		}
		where := r.Spec.Manifest
		if r.Spec.ServiceIndex >= 0 {
			where = fmt.Sprintf("%s[%d]", r.Spec.Manifest, r.Spec.ServiceIndex)
		}
		rev := "-"
		if r.Spec.FromRevision > 0 {
			rev = fmt.Sprint(r.Spec.FromRevision)
		}
		restart := "no"
		if r.Status.ProviderRestartNeeded {
			restart = "needed"
		}
		t.AddRow(r.Namespace, leaseShort(r.Spec.LeaseID), strings.ToLower(r.Spec.WorkloadKind)+"/"+r.Name, r.Spec.Service,
			strings.Join(r.Spec.Command, " "), where, result, output.Or(msg, output.None), rev, restart)
	}
	return t
}

func leaseShort(id *akash.LeaseID) string {
	if id == nil {
		return "<unknown>"
	}
	return fmt.Sprintf("%s/%d", id.Owner, id.DSeq)
}
