package doctor

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
