package doctor

import (
	"fmt"
	"io"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/fleet"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// FleetKind is the kind of doctor's answer over several contexts.
const FleetKind = "DoctorFleetReport"

// ContextReport is one context's run of doctor: its report, or why there
// is none (the context could not be reached, read or run).
type ContextReport struct {
	Context string
	Report  *Report
	// Error is why the run failed: with no Report, the context counts as
	// 0; with one (a check could not run), the report is scored as it is.
	Error string
}

// FleetReport is the result of doctor over several contexts. Items holds,
// like every other merged fleet answer, each context's DoctorReport stamped
// with its context (fleet.Annotation), then one ContextError item per
// context without a report, so `.items[]` reads the same as elsewhere.
type FleetReport struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              FleetSpec   `json:"spec"`
	Status            FleetStatus `json:"status"`
	Items             []any       `json:"items"`

	// runs are the contexts' runs as scored: a failed one without a
	// report.
	runs []ContextReport
}

// FleetSpec is what was asked.
type FleetSpec struct {
	Contexts []string `json:"contexts"`
	MinScore int      `json:"minScore,omitempty"`
}

// FleetStatus is the fleet's score and each context's.
type FleetStatus struct {
	// Score is the lowest of the contexts' overall scores, a context
	// without a report counting as 0; nil when no context was scored.
	Score *FleetScore `json:"score,omitempty"`
	// Contexts are each context's overall score or error, in order.
	Contexts []ContextScore `json:"contexts"`
}

// FleetScore is the fleet's score, which context it comes from, and the
// contexts' mean for the record.
type FleetScore struct {
	Value int    `json:"value"`
	Grade string `json:"grade"`
	// Context is the context with the lowest score (the first of equals).
	Context string `json:"context"`
	// Mean is the mean of the scored contexts' scores (failed ones as 0).
	Mean int `json:"mean"`
}

// ContextScore is one context's line of the fleet's status.
type ContextScore struct {
	Context string `json:"context"`
	Score   *Score `json:"score,omitempty"`
	Error   string `json:"error,omitempty"`
}

// BuildFleet assembles the fleet report. A run that failed with a report
// where nothing could be scored (every check errored: the API server
// cannot be reached, everything is forbidden) is a failed context: its
// report is dropped for an error item, and it counts as 0. The fleet's score is the minimum,
// not the mean: a fleet is as healthy as its worst provider, and
// --min-score over a fleet then means every context scores at least that,
// where a mean would let one broken provider hide behind healthy ones.
func BuildFleet(name string, runs []ContextReport, minScore int) *FleetReport {
	fr := &FleetReport{TypeMeta: output.TypeMeta(FleetKind), ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: FleetSpec{Contexts: []string{}, MinScore: minScore}, Status: FleetStatus{Contexts: []ContextScore{}}, Items: []any{}}
	var errs []any
	n, sum := 0, 0
	for _, r := range runs {
		if r.Report != nil && r.Error != "" && r.Report.Status.Score == nil {
			r.Report = nil
		}
		fr.runs = append(fr.runs, r)
		fr.Spec.Contexts = append(fr.Spec.Contexts, r.Context)
		cs := ContextScore{Context: r.Context}
		value := -1
		if r.Report != nil {
			if r.Report.Annotations == nil {
				r.Report.Annotations = map[string]string{}
			}
			r.Report.Annotations[fleet.Annotation] = r.Context
			fr.Items = append(fr.Items, r.Report)
			cs.Score = r.Report.Status.Score
			if cs.Score != nil {
				value = cs.Score.Value
			}
		} else {
			cs.Error = r.Error
			errs = append(errs, fleet.ErrorItem(r.Context, r.Error))
			value = 0 // an unreadable provider is not a healthy one
		}
		fr.Status.Contexts = append(fr.Status.Contexts, cs)
		if value < 0 {
			continue // nothing was checked there: not scored
		}
		n++
		sum += value
		if fr.Status.Score == nil || value < fr.Status.Score.Value {
			fr.Status.Score = &FleetScore{Value: value, Grade: Grade(value), Context: r.Context}
		}
	}
	fr.Items = append(fr.Items, errs...)
	if fr.Status.Score != nil {
		fr.Status.Score.Mean = sum / n
	}
	return fr
}

// Verdict is the fleet's exit decision: Errors when a context failed or a
// check could not run in one; Failing when the fleet's score is under
// --min-score, or, without it, when any context has a finding.
func (fr *FleetReport) Verdict() (errors bool, failing bool) {
	for _, r := range fr.runs {
		if r.Report == nil || r.Error != "" {
			errors = true
			continue
		}
		e, f := r.Report.Verdict()
		errors = errors || e
		failing = failing || f
	}
	if fr.Spec.MinScore > 0 {
		failing = fr.Status.Score != nil && fr.Status.Score.Value < fr.Spec.MinScore
	}
	return errors, failing
}

// PrintFleetHuman writes each context's score block under a CONTEXT line
// (its sections, as doctor prints one cluster), a context that failed as
// one error line, and then the FLEET line.
func PrintFleetHuman(w io.Writer, out *output.Flags, fr *FleetReport) error {
	for i, r := range fr.runs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "=== CONTEXT %s\n", r.Context)
		if r.Report == nil {
			fmt.Fprintf(w, "error: %s\n", r.Error)
			continue
		}
		if err := PrintHuman(w, out, r.Report); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\nFLEET %s\n", fleetScoreText(fr))
	return nil
}

// fleetScoreText is "40/100 (F): lowest of 3 contexts, in beta; mean 66".
func fleetScoreText(fr *FleetReport) string {
	s := fr.Status.Score
	if s == nil {
		return "(not scored: nothing was checked)"
	}
	var failed []string
	for _, c := range fr.Status.Contexts {
		if c.Error != "" && c.Score == nil {
			failed = append(failed, c.Context)
		}
	}
	text := fmt.Sprintf("%d/100 (%s): lowest of %d context(s), in %s; mean %d", s.Value, s.Grade, len(fr.Status.Contexts), s.Context, s.Mean)
	if len(failed) > 0 {
		text += fmt.Sprintf("; %s could not be checked (scored 0)", strings.Join(failed, ", "))
	}
	return text
}
