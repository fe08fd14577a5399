package version

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Result is the object `kubectl akash version -o json` prints.
type Result struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Info              `json:",inline"`
}

// NewResult is this build's version as a result object.
func NewResult() Result {
	return Result{TypeMeta: output.TypeMeta("Version"), ObjectMeta: metav1.ObjectMeta{Name: "kubectl-akash"}, Info: Get()}
}

// Table is the result's row: version, commit, Go, and with -o wide the
// platform.
func (r Result) Table() *output.Table {
	t := output.NewTable(
		output.Column{Name: "VERSION"}, output.Column{Name: "COMMIT"},
		output.Column{Name: "GO"}, output.Column{Name: "PLATFORM", Wide: true})
	t.AddRow(r.Version, r.Commit, r.GoVersion, r.Platform)
	return t
}
