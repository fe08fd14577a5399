package doctor

import (
	"fmt"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/rollout"
)

// checkStuckRollouts is force-new's analysis, as findings.
func checkStuckRollouts(in *Input) CheckResult {
	r := result(len(in.Snapshot.Deployments))
	for _, s := range rollout.FindStuck(in.Snapshot, rollout.StuckOptions{Now: in.Now, MinAge: in.StuckAfter}) {
		f := Finding{Code: CodeStuckRollout, Severity: SeverityError, Namespace: s.Namespace, Pod: s.Spec.Pod, Object: "deployment/" + s.Name,
			Message: fmt.Sprintf("the update of service %s cannot schedule (%s) while older ReplicaSets hold the resources: it will never land", s.Spec.Service, firstLine(s.Spec.Reason)),
			Fix:     "kubectl akash replicasets force-new" + nsFlag(s.Namespace) + " --yes"}
		if len(s.Status.Actions) == 0 {
			f.Code, f.Severity = CodeRolloutShort, SeverityWarning
			f.Message = fmt.Sprintf("the update of service %s cannot schedule (%s) and no older ReplicaSet of it holds anything: the provider is short of resources for it", s.Spec.Service, firstLine(s.Spec.Reason))
			f.Fix = "kubectl akash provider status (free or add capacity on the nodes the pod may run on)"
		}
		r.Findings = append(r.Findings, f.WithLease(s.Spec.LeaseID))
	}
	return r
}

// checkLostCommands is manifests heal's analysis, as findings.
func checkLostCommands(in *Input) CheckResult {
	r := result(len(in.Snapshot.Deployments) + len(in.Snapshot.StatefulSets))
	for _, l := range rollout.FindLostCommands(in.Snapshot, in.LeaseNamespace) {
		f := Finding{Code: CodeLostCommand, Severity: SeverityError, Namespace: l.Namespace, Object: strings.ToLower(l.Spec.WorkloadKind) + "/" + l.Name,
			Message: fmt.Sprintf("service %s runs without its SDL command %q, which its Manifest lost (providers before 0.2.1)", l.Spec.Service, strings.Join(l.Spec.Command, " ")),
			Fix:     "kubectl akash manifests heal" + nsFlag(l.Namespace) + " --restart-provider --yes"}
		switch {
		case l.Status.Error != "":
			f.Code, f.Message = CodeLostCommandNoTarget, f.Message+": "+l.Status.Error
			f.Fix = "restore the lease's Manifest from a backup (kubectl akash manifests backup), then kubectl akash manifests heal" + nsFlag(l.Namespace)
		case l.Status.Note != "":
			f.Code, f.Severity = CodeLostCommandRestart, SeverityWarning
			f.Message = fmt.Sprintf("service %s: its Manifest has the command again but the provider has not re-read it", l.Spec.Service)
			f.Fix = "kubectl akash provider restart --yes"
		}
		r.Findings = append(r.Findings, f.WithLease(l.Spec.LeaseID))
	}
	return r
}

// firstLine keeps messages on one line.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
