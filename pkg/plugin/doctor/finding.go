package doctor

import (
	"strconv"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// withLease ties f to lease id: the lease, its tenant and its dseq.
func (f Finding) withLease(id *akash.LeaseID) Finding {
	if id != nil {
		f.Lease, f.Owner, f.DSeq = id.String(), id.Owner, strconv.FormatUint(id.DSeq, 10)
	}
	return f
}

// result starts a check's result with the objects it scanned.
func result(scanned int) CheckResult {
	return CheckResult{Scanned: scanned, Findings: []Finding{}}
}

// notApplicable is the result of a check that needs what the cluster
// lacks.
func notApplicable(why string) CheckResult {
	return CheckResult{Status: StatusNotApplicable, Reason: why, Findings: []Finding{}}
}

// failed is the result of a check that could not run.
func failed(why string) CheckResult {
	return CheckResult{Status: StatusError, Reason: why, Findings: []Finding{}}
}

// nsFlag is the -n of a fix command that works on one lease namespace.
func nsFlag(ns string) string {
	if ns == "" {
		return ""
	}
	return " -n " + ns
}
