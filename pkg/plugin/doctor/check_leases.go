package doctor

import (
	"fmt"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/dangling"
)

// checkDangling is dangling's reconciliation, as findings. Without a chain
// source it is not applicable; a chain that could not be read is an error
// of this check only.
func checkDangling(in *Input) CheckResult {
	c := in.Chain
	switch {
	case c == nil:
		return notApplicable("no chain source: pass --api URL or --via-cli PATH, or run the akash-provider pod")
	case c.NotApplicable != "":
		return notApplicable(c.NotApplicable)
	case c.Err != nil:
		return failed(c.Err.Error())
	}
	inCluster := dangling.InCluster(in.Snapshot, c.Provider)
	items := dangling.Reconcile(in.Snapshot, c.View, dangling.Options{Provider: c.Provider, LeaseNamespace: in.LeaseNamespace, Now: in.Now})
	r := result(len(inCluster) + countOpenOnly(c.View, inCluster))
	fix := "kubectl akash dangling --close" + c.FixArgs + " --yes"
	for _, d := range items {
		id := d.Spec.LeaseID
		f := Finding{Namespace: d.Name, Object: "lease/" + id.String(), Fix: fix}
		switch {
		case d.Spec.Direction == dangling.OnChainNotInCluster:
			f.Code, f.Severity = CodeOpenNothingRunning, SeverityError
			f.Message = fmt.Sprintf("the lease is %s on chain but nothing of it runs in the cluster: the tenant pays for nothing", d.Spec.ChainState)
			if d.Status.Note != "" && d.Spec.Reclamation != nil {
				f.Severity, f.Message = SeverityWarning, f.Message+"; "+d.Status.Note
			}
		case d.Spec.ChainState == chain.StateClosed:
			h := d.Spec.Held
			f.Code, f.Severity = CodeClosedStillRunning, SeverityError
			f.Message = fmt.Sprintf("the lease is closed on chain (block %d) but still holds %d pod(s), %dm CPU and %dMi memory: the provider serves it for free", d.Spec.ClosedOn, h.Pods, h.CPUMillis, h.MemoryBytes>>20)
		default:
			f.Code, f.Severity = CodeLeaseStateUnknown, SeverityWarning
			f.Message = fmt.Sprintf("the chain state of the lease is %s", d.Spec.ChainState)
			if d.Spec.ChainError != "" {
				f.Message += " (" + firstLine(d.Spec.ChainError) + ")"
			}
			if d.Status.Note != "" {
				f.Message += ": " + d.Status.Note
			}
			f.Fix = "kubectl akash dangling" + c.FixArgs + " (check --provider and the chain source; nothing is done to a lease of unknown state)"
		}
		r.Findings = append(r.Findings, f.WithLease(&id))
	}
	return r
}

// countOpenOnly counts the open leases on chain with nothing in the
// cluster: scanned too, besides the cluster's leases.
func countOpenOnly(v dangling.ChainView, inCluster map[akash.LeaseID]string) int {
	n := 0
	for _, l := range v.Open {
		if _, ok := inCluster[l.ID]; !ok {
			n++
		}
	}
	return n
}
