package doctor

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodecheck"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Kind of the result object.
const Kind = "DoctorReport"

// Severity ranks a finding: the node checks' severities, shared.
type Severity = nodecheck.Severity

// The severities, from harmless to broken.
const (
	SeverityInfo    = nodecheck.SeverityInfo
	SeverityWarning = nodecheck.SeverityWarning
	SeverityError   = nodecheck.SeverityError
)

// Check statuses: the node checks' four, and skipped (left out by
// --checks, --skip or --no-nodes).
const (
	StatusOK            = nodecheck.StatusOK
	StatusFindings      = nodecheck.StatusFindings
	StatusNotApplicable = nodecheck.StatusNotApplicable
	StatusError         = nodecheck.StatusError
	StatusSkipped       = "skipped"
)

// Finding is one problem, tied to what it belongs to and to its fix: the
// node checks' type, so that their findings fold into the report as they
// are.
type Finding = nodecheck.Finding

// CheckResult is one check's outcome over the whole provider (every node,
// for a node check).
type CheckResult struct {
	Name    string `json:"name"`
	Section string `json:"section"`
	// Status is ok, findings, not-applicable, error or skipped.
	Status string `json:"status"`
	// Reason says why the check is not applicable or could not run.
	Reason string `json:"reason,omitempty"`
	// Scanned is how many objects (Deployments, pods, leases, nodes,
	// certificates) the check looked at: the score's denominator.
	Scanned  int       `json:"scanned"`
	Findings []Finding `json:"findings"`
	// Metrics are the check's gauges besides its findings (node checks).
	Metrics []Metric `json:"metrics,omitempty"`
}

// Metric is one gauge sample of a check (the node checks').
type Metric = nodecheck.Metric

// Section groups checks and carries their score.
type Section struct {
	Name   string   `json:"name"`
	Title  string   `json:"title"`
	Checks []string `json:"checks"`
	Score  *Score   `json:"score,omitempty"`
}

// Score is popeye's: a percentage and its letter grade, with the tally it
// was computed from.
type Score struct {
	Value int    `json:"value"`
	Grade string `json:"grade"`
	Tally Tally  `json:"tally"`
}

// Tally counts scanned objects without a problem and findings by
// severity.
type Tally struct {
	OK      int `json:"ok"`
	Info    int `json:"info"`
	Warning int `json:"warning"`
	Error   int `json:"error"`
}

// Report is the result object of `kubectl akash doctor`.
type Report struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              ReportSpec   `json:"spec"`
	Status            ReportStatus `json:"status"`
}

// ReportSpec is what was asked.
type ReportSpec struct {
	// Checks are the checks that ran (after --checks and --skip).
	Checks []string `json:"checks"`
	// Nodes are the nodes the node checks ran on (--local: this machine).
	Nodes []string `json:"nodes,omitempty"`
	// MinScore is --min-score (0: any warning or error fails).
	MinScore int `json:"minScore,omitempty"`
}

// ReportStatus is what was found.
type ReportStatus struct {
	Score    *Score        `json:"score,omitempty"`
	Sections []Section     `json:"sections"`
	Results  []CheckResult `json:"results"`
	// Errors name the checks that could not run, with why.
	Errors []string `json:"errors,omitempty"`
}

// NewReport starts an empty report.
func NewReport(name string) *Report {
	return &Report{TypeMeta: output.TypeMeta(Kind), ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: ReportSpec{Checks: []string{}}, Status: ReportStatus{Sections: []Section{}, Results: []CheckResult{}}}
}
