package doctor

import (
	"bytes"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/fleet"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// scoredReport is a report whose one check scanned 4 objects with the
// given number of warnings (and, with nodes, a node gauge).
func scoredReport(warnings int, node bool) *Report {
	rep := NewReport("doctor")
	r := CheckResult{Name: "failed-pods", Section: "pods", Status: StatusOK, Scanned: 4, Findings: []Finding{}}
	for i := range warnings {
		r.Status = StatusFindings
		r.Findings = append(r.Findings, Finding{Code: CodeFailedPod, Severity: SeverityWarning, Namespace: "ns", Pod: string(rune('a' + i))})
	}
	rep.Status.Results = []CheckResult{r}
	if node {
		rep.Status.Results = append(rep.Status.Results, CheckResult{Name: "pids", Section: "processes", Status: StatusOK, Scanned: 1, Findings: []Finding{},
			Metrics: []Metric{{Name: "kubectl_akash_node_pids_used", Help: "PIDs in use", Labels: map[string]string{"node": "n1", "context": "own"}, Value: 7}}})
	}
	score(rep)
	return rep
}

// TestFleetScoreIsTheLowest: the fleet scores as its worst context; a
// context without a report scores 0 (never 100) and is an error item; a
// context where nothing was checked is not scored; each report is stamped.
func TestFleetScoreIsTheLowest(t *testing.T) {
	runs := []ContextReport{{Context: "a", Report: scoredReport(0, false)}, {Context: "b", Report: scoredReport(2, false)}}
	fr := BuildFleet("doctor", runs, 0)
	if s := fr.Status.Score; s == nil || s.Value != 50 || s.Context != "b" || s.Grade != "E" || s.Mean != 75 {
		t.Fatalf("score %+v, want 50 (E) from b, mean 75", s)
	}
	if errs, failing := fr.Verdict(); errs || !failing {
		t.Errorf("verdict %v %v: b has findings", errs, failing)
	}
	for i, it := range fr.Items {
		if it.(*Report).Annotations[fleet.Annotation] != runs[i].Context {
			t.Errorf("item %d stamped %v", i, it.(*Report).Annotations)
		}
	}
	if fr.Kind != FleetKind || fr.APIVersion != output.APIVersion {
		t.Errorf("type %+v", fr.TypeMeta)
	}

	for minScore, want := range map[int]bool{50: false, 51: true} {
		fr := BuildFleet("doctor", runs, minScore)
		if _, failing := fr.Verdict(); failing != want {
			t.Errorf("--min-score %d: failing %v, want %v", minScore, failing, want)
		}
	}

	empty := NewReport("doctor")
	unreachable := NewReport("doctor") // every check errored: nothing scored
	runs = append(runs, ContextReport{Context: "dead", Error: "connection refused"}, ContextReport{Context: "none", Report: empty},
		ContextReport{Context: "gone", Report: unreachable, Error: "9 check(s) could not run"})
	fr = BuildFleet("doctor", runs, 0)
	if s := fr.Status.Score; s == nil || s.Value != 0 || s.Context != "dead" || s.Mean != 37 {
		t.Fatalf("with two failed contexts: %+v, want 0 from dead, mean (100+50+0+0)/4", s)
	}
	var kinds []string
	for _, it := range fr.Items {
		if m, ok := it.(map[string]any); ok {
			kinds = append(kinds, m["kind"].(string)+"/"+m["metadata"].(map[string]any)["name"].(string))
		} else {
			kinds = append(kinds, it.(*Report).Kind+"/"+it.(*Report).Annotations[fleet.Annotation])
		}
	}
	if got := strings.Join(kinds, " "); got != "DoctorReport/a DoctorReport/b DoctorReport/none ContextError/dead ContextError/gone" {
		t.Errorf("items: %s", got)
	}
	if errs, _ := fr.Verdict(); !errs {
		t.Error("a failed context is an error")
	}
	var buf bytes.Buffer
	if err := PrintFleetHuman(&buf, output.NewFlags(), fr); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"=== CONTEXT a\n", "=== CONTEXT dead\nerror: connection refused\n", "\nFLEET 0/100 (F): lowest of 5 context(s), in dead; mean 37; dead, gone could not be checked (scored 0)\n"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, buf.String())
		}
	}
}

// TestPrometheusFleetParses: one exposition with each family once, every
// sample of a report labelled with its context.
func TestPrometheusFleetParses(t *testing.T) {
	runs := []ContextReport{{Context: "a", Report: scoredReport(1, true)}, {Context: "b", Report: scoredReport(0, true)}, {Context: "dead", Error: "refused"}}
	fr := BuildFleet("doctor", runs, 0)
	var buf bytes.Buffer
	if err := WritePrometheusFleet(&buf, fr); err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if n := strings.Count(buf.String(), "# TYPE "+MetricPrefix+"score "); n != 1 {
		t.Errorf("the score family is declared %d times", n)
	}
	byCtx := func(name string) map[string]float64 {
		out := map[string]float64{}
		for _, m := range fams[name].GetMetric() {
			for _, l := range m.Label {
				if l.GetName() == "context" {
					out[l.GetValue()] += m.GetGauge().GetValue()
				}
			}
		}
		return out
	}
	if got := byCtx(MetricPrefix + "failed_pods_findings"); got["a"] != 1 || got["b"] != 0 || len(got) != 2 {
		t.Errorf("failed_pods_findings by context: %v", got)
	}
	if got := byCtx("kubectl_akash_node_pids_used"); got["a"] != 7 || got["b"] != 7 {
		t.Errorf("node gauges by context: %v", got)
	}
	if got := byCtx(MetricPrefix + "context_up"); got["dead"] != 0 || got["a"] != 1 || len(got) != 3 {
		t.Errorf("context_up: %v", got)
	}
	if f := fams[MetricPrefix+"fleet_score"]; f == nil || f.Metric[0].GetGauge().GetValue() != 0 {
		t.Errorf("fleet_score:\n%s", buf.String())
	}
}
