package nodecheck

import (
	"strconv"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// Severity ranks a finding.
type Severity string

// The severities, from harmless to broken.
const (
	SeverityOK      Severity = "ok"
	SeverityInfo    Severity = "info"
	SeverityWarning Severity = "warning"
	SeverityError   Severity = "error"
)

// Rank orders severities (ok 0 … error 3; unknown ones rank as errors, so
// an agent of a newer version never hides a problem).
func (s Severity) Rank() int {
	switch s {
	case SeverityOK:
		return 0
	case SeverityInfo:
		return 1
	case SeverityWarning:
		return 2
	}
	return 3
}

// Finding is one thing a check saw, tied to what it belongs to and to its
// fix. It is the one finding type of every check: the node checks' here,
// and doctor's cluster checks, which fold the node checks' findings into
// their report as they are.
type Finding struct {
	// Code is stable across releases (NCnnn for node checks, see
	// docs/checks.md; doctor's codes in docs/doctor.md).
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	// Check is the name of the check that found it.
	Check string `json:"check"`
	Node  string `json:"node,omitempty"`
	// Namespace and Pod name the pod; the agent knows only PodUID (from the
	// cgroup path) and Attribute fills in the rest on the client.
	Namespace string `json:"namespace,omitempty"`
	Pod       string `json:"pod,omitempty"`
	PodUID    string `json:"podUID,omitempty"`
	// Object is the object found at fault when it is not a pod
	// (deployment/web, manifest/<ns>, node/<name>, pod-uid/<uid>).
	Object string `json:"object,omitempty"`
	// Lease is owner/dseq/gseq/oseq/provider of the pod's lease namespace;
	// Owner (the tenant) and DSeq are its parts most reports group by.
	Lease string `json:"lease,omitempty"`
	Owner string `json:"owner,omitempty"`
	DSeq  string `json:"dseq,omitempty"`
	// Message is one line saying what is wrong and why it matters.
	Message string `json:"message"`
	// Fix is the exact command (kubectl akash …, or a host command) that
	// fixes it, or what to change.
	Fix string `json:"fix,omitempty"`
}

// WithLease ties f to lease id (nil: f as it is): the lease, its tenant
// and its dseq.
func (f Finding) WithLease(id *akash.LeaseID) Finding {
	if id != nil {
		f.Lease, f.Owner, f.DSeq = id.String(), id.Owner, strconv.FormatUint(id.DSeq, 10)
	}
	return f
}

// Result statuses.
const (
	StatusOK            = "ok"
	StatusFindings      = "findings"
	StatusNotApplicable = "not-applicable"
	StatusError         = "error"
)

// Result is one check's outcome on one node.
type Result struct {
	Check string `json:"check"`
	// Status is ok, findings, not-applicable or error.
	Status string `json:"status"`
	// Reason says why a check is not applicable or could not run.
	Reason   string    `json:"reason,omitempty"`
	Findings []Finding `json:"findings"`
	// Metrics are the check's gauges (for -o prometheus).
	Metrics []Metric `json:"metrics,omitempty"`
}

// Metric is one gauge sample. Labels never include the node: the report
// says which node it is. A pod_uid label is joined with the pod's
// namespace, name and lease by Attribute.
type Metric struct {
	Name   string            `json:"name"`
	Help   string            `json:"help"`
	Labels map[string]string `json:"labels,omitempty"`
	Value  float64           `json:"value"`
}

// Report is every selected check's Result on one node, in registration
// order.
type Report struct {
	Node    string   `json:"node"`
	Results []Result `json:"results"`
}

// Worst is the highest severity among the report's findings; a check that
// could not run counts as an error.
func (r Report) Worst() Severity {
	worst := SeverityOK
	for _, res := range r.Results {
		if res.Status == StatusError {
			return SeverityError
		}
		for _, f := range res.Findings {
			if f.Severity.Rank() > worst.Rank() {
				worst = f.Severity
			}
		}
	}
	return worst
}

// finish sets the result's status from its findings (unless it already
// says not-applicable or error) and stamps each finding with the check and
// the node.
func (r *Result) finish(check, node string) {
	r.Check = check
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	for i := range r.Findings {
		r.Findings[i].Check = check
		if r.Findings[i].Node == "" {
			r.Findings[i].Node = node
		}
	}
	if r.Status == StatusError || r.Status == StatusNotApplicable {
		return
	}
	r.Status = StatusOK
	for _, f := range r.Findings {
		if f.Severity.Rank() >= SeverityWarning.Rank() {
			r.Status = StatusFindings
		}
	}
}

// CodeUnreadable is an info finding any check may add: a file it could not
// read or parse, while it went on with the rest.
const CodeUnreadable = "NC001"

// CodeKubeletFile is an info finding of the checks that judge the kubelet's
// configuration: it was read from the kubelet's --config file on the node,
// because the live one (configz) was not at hand, and why.
const CodeKubeletFile = "NC002"
