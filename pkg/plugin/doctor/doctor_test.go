package doctor

import (
	"bytes"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func TestGrade(t *testing.T) {
	for score, want := range map[int]string{100: "A", 90: "A", 89: "B", 80: "B", 79: "C", 70: "C", 69: "D", 60: "D", 59: "E", 50: "E", 49: "F", 0: "F"} {
		if got := Grade(score); got != want {
			t.Errorf("Grade(%d) = %s, want %s", score, got, want)
		}
	}
}

// TestScoreCountsLikePopeye: scanned objects without findings are OK, each
// finding counts at its severity (info counts as fine), sections without
// anything scanned are not scored, and the overall score is the mean of
// the scored sections.
func TestScoreCountsLikePopeye(t *testing.T) {
	rep := NewReport("t")
	rep.Status.Results = []CheckResult{
		{Name: "a", Section: "rollouts", Status: StatusFindings, Scanned: 10, Findings: []Finding{
			{Severity: SeverityError, Namespace: "n1", Object: "deployment/web"},
			{Severity: SeverityWarning, Namespace: "n2", Object: "deployment/web"},
		}},
		{Name: "b", Section: "rollouts", Status: StatusOK, Scanned: 4, Findings: []Finding{{Severity: SeverityInfo, Namespace: "n3"}}},
		{Name: "c", Section: "pods", Status: StatusFindings, Scanned: 1, Findings: []Finding{{Severity: SeverityError, Pod: "p"}, {Severity: SeverityError, Pod: "p", Code: "other"}}},
		{Name: "d", Section: "leases", Status: StatusNotApplicable},
		{Name: "e", Section: "provider", Status: StatusError, Reason: "forbidden"},
	}
	score(rep)
	sections := map[string]Section{}
	for _, s := range rep.Status.Sections {
		sections[s.Name] = s
	}
	// rollouts: 8 + 3 OK, 1 info, 1 warning, 1 error: 12 of 14 fine.
	if s := sections["rollouts"].Score; s == nil || s.Value != 86 || s.Grade != "B" || s.Tally != (Tally{OK: 11, Info: 1, Warning: 1, Error: 1}) {
		t.Errorf("rollouts: %+v", s)
	}
	// pods: one pod, two errors on it: 0 of 2 fine.
	if s := sections["pods"].Score; s == nil || s.Value != 0 || s.Grade != "F" {
		t.Errorf("pods: %+v", s)
	}
	if sections["leases"].Score != nil || sections["provider"].Score != nil {
		t.Errorf("not applicable and failed checks are not scored: %+v", rep.Status.Sections)
	}
	if o := rep.Status.Score; o == nil || o.Value != 43 || o.Grade != "F" {
		t.Errorf("overall: %+v", o)
	}
	if len(rep.Status.Errors) != 1 || !strings.Contains(rep.Status.Errors[0], "e: forbidden") {
		t.Errorf("errors: %v", rep.Status.Errors)
	}
}

// TestVerdict: without --min-score a warning fails; an info does not; with
// it only the score decides; a check that could not run always says so.
func TestVerdict(t *testing.T) {
	mk := func(min int, sev Severity, scanned int) *Report {
		rep := NewReport("t")
		rep.Spec.MinScore = min
		r := CheckResult{Name: "a", Section: "pods", Scanned: scanned, Findings: []Finding{{Severity: sev, Pod: "p"}}}
		finish(&r)
		rep.Status.Results = []CheckResult{r}
		score(rep)
		return rep
	}
	if _, failing := mk(0, SeverityInfo, 1).Verdict(); failing {
		t.Error("an info finding must not fail")
	}
	if _, failing := mk(0, SeverityWarning, 100).Verdict(); !failing {
		t.Error("a warning fails without --min-score")
	}
	if _, failing := mk(90, SeverityWarning, 100).Verdict(); failing {
		t.Error("99/100 passes --min-score 90")
	}
	if _, failing := mk(90, SeverityError, 2).Verdict(); !failing {
		t.Error("50/100 fails --min-score 90")
	}
}

func TestSelect(t *testing.T) {
	s, err := Select([]string{"failed-pods", "zombies"}, nil, []string{"zombies", "pids"})
	if err != nil || len(s.Cluster) != 1 || s.Cluster[0].Name != "failed-pods" || len(s.Node) != 1 || s.Node[0] != "zombies" || !s.Has("zombies") || s.Has("pids") {
		t.Fatalf("%+v %v", s, err)
	}
	if needs := s.Needs(); !needs[ResPods] || needs[ResDeployments] {
		t.Errorf("failed-pods needs pods and namespaces only: %v", needs)
	}
	s, err = Select(nil, []string{"dangling", "pids"}, []string{"zombies", "pids"})
	if err != nil || s.Has("dangling") || s.Has("pids") || !s.Has("stuck-rollouts") || !s.Has("zombies") {
		t.Fatalf("--skip: %+v %v", s, err)
	}
	if _, err := Select([]string{"nope"}, nil, nil); err == nil || !strings.Contains(err.Error(), "unknown check(s) nope") || !strings.Contains(err.Error(), "stuck-rollouts") {
		t.Errorf("unknown: %v", err)
	}
	var all []string
	for _, c := range ClusterChecks() {
		all = append(all, c.Name)
	}
	if _, err := Select(nil, all, nil); err == nil || !strings.Contains(err.Error(), "no check left") {
		t.Errorf("nothing left: %v", err)
	}
}

// TestPrometheusParses: the output is read back by the Prometheus text
// parser, with hostile label values (quotes, backslashes, newlines) intact,
// findings with the same labels summed, and the node checks' gauges kept.
func TestPrometheusParses(t *testing.T) {
	rep := NewReport("t")
	rep.Status.Results = []CheckResult{
		{Name: "failed-pods", Section: "pods", Status: StatusFindings, Scanned: 3, Findings: []Finding{
			{Code: CodeFailedPod, Severity: SeverityWarning, Namespace: "ns1", Owner: "akash1owner", DSeq: "42", Node: `no"de\1` + "\nx"},
			{Code: CodeFailedPod, Severity: SeverityWarning, Namespace: "ns1", Owner: "akash1owner", DSeq: "42", Node: `no"de\1` + "\nx"},
		}},
		{Name: "stuck-rollouts", Section: "rollouts", Status: StatusOK, Scanned: 3, Findings: []Finding{}},
		{Name: "dangling", Section: "leases", Status: StatusNotApplicable, Findings: []Finding{}},
		{Name: "pids", Section: "processes", Status: StatusOK, Scanned: 1, Findings: []Finding{}, Metrics: []Metric{
			{Name: "kubectl_akash_node_pids_used", Help: "PIDs in use", Labels: map[string]string{"node": "n1"}, Value: 1234},
			{Name: "kubectl_akash_node_pids_used", Help: "PIDs in use", Labels: map[string]string{"node": "n2"}, Value: 1.5e6},
		}},
	}
	score(rep)
	var buf bytes.Buffer
	if err := WritePrometheus(&buf, rep); err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	f := fams[MetricPrefix+"failed_pods_findings"]
	if f == nil || len(f.Metric) != 1 || f.Metric[0].GetGauge().GetValue() != 2 {
		t.Fatalf("failed-pods family:\n%s", buf.String())
	}
	labels := map[string]string{}
	for _, l := range f.Metric[0].Label {
		labels[l.GetName()] = l.GetValue()
	}
	if labels["node"] != `no"de\1`+"\nx" || labels["owner"] != "akash1owner" || labels["dseq"] != "42" || labels["namespace"] != "ns1" || labels["code"] != CodeFailedPod {
		t.Errorf("labels: %v", labels)
	}
	if f := fams[MetricPrefix+"stuck_rollouts_findings"]; f == nil || f.Metric[0].GetGauge().GetValue() != 0 {
		t.Errorf("a check without findings has a 0 sample:\n%s", buf.String())
	}
	if fams[MetricPrefix+"dangling_findings"] != nil {
		t.Error("a check that did not apply has no findings family")
	}
	if f := fams["kubectl_akash_node_pids_used"]; f == nil || len(f.Metric) != 2 {
		t.Errorf("node gauges:\n%s", buf.String())
	}
	if f := fams[MetricPrefix+"check_status"]; f == nil || len(f.Metric) != 4 {
		t.Errorf("statuses:\n%s", buf.String())
	}
}
