package e2e

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/doctor"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/fleet"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// fleetDoctorItem is an item of a DoctorFleetReport: a context's
// DoctorReport, or the ContextError of a context that failed.
type fleetDoctorItem struct {
	doctor.Report
	Status struct {
		doctor.ReportStatus
		Reason string `json:"reason"`
	} `json:"status"`
}

// fleetDoctorReport is doctor's answer over several contexts.
type fleetDoctorReport struct {
	Kind       string             `json:"kind"`
	APIVersion string             `json:"apiVersion"`
	Status     doctor.FleetStatus `json:"status"`
	Items      []fleetDoctorItem  `json:"items"`
}

func decodeFleetDoctor(t *testing.T, r result) *fleetDoctorReport {
	t.Helper()
	var fr fleetDoctorReport
	if err := json.Unmarshal([]byte(r.stdout), &fr); err != nil || fr.Kind != doctor.FleetKind || fr.APIVersion != output.APIVersion {
		t.Fatalf("not a %s (%v)\nstdout:\n%s\nstderr:\n%s", doctor.FleetKind, err, r.stdout, r.stderr)
	}
	return &fr
}

// failedPodsIn counts the failed-pods findings of a report in namespace ns.
func failedPodsIn(status doctor.ReportStatus, ns string) int {
	n := 0
	for _, r := range status.Results {
		for _, f := range r.Findings {
			if r.Name == "failed-pods" && f.Code == doctor.CodeFailedPod && f.Namespace == ns {
				n++
			}
		}
	}
	return n
}

// doctorFleetJSON: one report per live context, each stamped with its
// context and holding its own cluster's problems only; the dead context is
// an error item scored 0; the fleet's score is the lowest; --min-score
// applies to it.
func doctorFleetJSON(t *testing.T, run func(...string) result, betaNS string) {
	t.Helper()
	r := run("doctor", "--no-nodes", "--contexts", "alpha,beta,dead", "-o", "json")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (dead failed)\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	fr := decodeFleetDoctor(t, r)
	scores := map[string]int{}
	reasons := map[string]string{}
	for _, it := range fr.Items {
		ctx := it.Annotations[fleet.Annotation]
		switch it.Kind {
		case doctor.Kind:
			if it.Status.Score == nil {
				t.Fatalf("context %s: report not scored", ctx)
			}
			scores[ctx] = it.Status.Score.Value
			found := failedPodsIn(it.Status.ReportStatus, betaNS)
			if want := map[string]int{"alpha": 0, "beta": 1}[ctx]; found != want {
				t.Errorf("context %s: %d Failed-pod finding(s) in beta's %s, want %d (a report under the wrong context?)", ctx, found, betaNS, want)
			}
		case fleet.ErrorKind:
			reasons[ctx] = it.Status.Reason
		default:
			t.Fatalf("unexpected item kind %q", it.Kind)
		}
	}
	if _, ok := scores["alpha"]; !ok || len(scores) != 2 {
		t.Fatalf("reports of contexts %v, want alpha and beta", scores)
	}
	if len(reasons) != 1 || !strings.Contains(reasons["dead"], "connection refused") {
		t.Fatalf("error items %v: want dead's, saying the connection was refused", reasons)
	}
	s := fr.Status.Score
	if s == nil || s.Value != 0 || s.Context != "dead" || s.Grade != "F" || s.Mean != (scores["alpha"]+scores["beta"])/3 {
		t.Fatalf("fleet score %+v: want 0 (F) from dead, mean of %v and 0", s, scores)
	}
	if len(fr.Status.Contexts) != 3 || fr.Status.Contexts[2].Error == "" {
		t.Errorf("status.contexts %+v", fr.Status.Contexts)
	}
	if !strings.Contains(r.stderr, "context dead") {
		t.Errorf("stderr does not name the failed context:\n%s", r.stderr)
	}

	// The fleet of the live contexts (config.yaml's prod: alpha and beta):
	// both scored, beta's Failed pod is a finding (exit 3), and --min-score
	// compares the fleet's score, the lower of the two.
	r = run("doctor", "--no-nodes", "--fleet", "prod", "-o", "json")
	if r.code != 3 {
		t.Fatalf("--fleet prod: exit %d, want 3 (beta has a finding)\n%s", r.code, r.stderr)
	}
	fr = decodeFleetDoctor(t, r)
	var stamped []string
	for _, it := range fr.Items {
		stamped = append(stamped, it.Kind+"/"+it.Annotations[fleet.Annotation])
	}
	if got := strings.Join(stamped, " "); got != "DoctorReport/alpha DoctorReport/beta" {
		t.Fatalf("--fleet prod: items %s", got)
	}
	low := min(scores["alpha"], scores["beta"])
	if fr.Status.Score == nil || fr.Status.Score.Value != low {
		t.Fatalf("fleet score %+v, want %d (the lower of %v)", fr.Status.Score, low, scores)
	}
	if low >= 100 || low < 1 {
		t.Fatalf("the fleet's score %d leaves no room to test --min-score around it", low)
	}
	for minScore, want := range map[int]int{low: 0, low + 1: 3} {
		r = run("doctor", "--no-nodes", "--fleet", "prod", "--min-score", strconv.Itoa(minScore), "-o", "json")
		if r.code != want {
			t.Errorf("--min-score %d with a fleet score of %d: exit %d, want %d\n%s", minScore, low, r.code, want, r.stderr)
		}
	}
}

// doctorFleetTable: a block per context, the dead one's error, the FLEET line.
func doctorFleetTable(t *testing.T, run func(...string) result) {
	t.Helper()
	r := run("doctor", "--no-nodes", "--contexts", "alpha,beta,dead")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"=== CONTEXT alpha\n", "=== CONTEXT beta\n", "=== CONTEXT dead\nerror: ", "\nFLEET 0/100 (F): lowest of 3 context(s), in dead"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the table lacks %q:\n%s", want, r.stdout)
		}
	}
	if n := strings.Count(r.stdout, "\nOVERALL "); n != 2 {
		t.Errorf("%d OVERALL lines, want one per live context:\n%s", n, r.stdout)
	}
	if !strings.Contains(r.stdout, "connection refused") {
		t.Errorf("dead's block does not say why:\n%s", r.stdout)
	}
}

// doctorFleetPrometheus: one exposition that parses, every sample of a
// context's report labelled with it, beta's Failed pod under beta only.
func doctorFleetPrometheus(t *testing.T, run func(...string) result, betaNS string) {
	t.Helper()
	r := run("doctor", "--no-nodes", "--contexts", "alpha,beta,dead", "-o", "prometheus")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(r.stdout))
	if err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	labelsOf := func(name string) []map[string]string {
		f := fams[name]
		if f == nil {
			t.Fatalf("no family %s:\n%s", name, r.stdout)
		}
		var out []map[string]string
		for _, m := range f.Metric {
			l := map[string]string{"value": strconv.FormatFloat(m.GetGauge().GetValue(), 'g', -1, 64)}
			for _, p := range m.Label {
				l[p.GetName()] = p.GetValue()
			}
			out = append(out, l)
		}
		return out
	}
	var ctxs []string
	for _, l := range labelsOf(doctor.MetricPrefix + "score") {
		ctxs = append(ctxs, l["context"])
	}
	if strings.Join(ctxs, ",") != "alpha,beta" {
		t.Errorf("score samples of contexts %v, want alpha,beta", ctxs)
	}
	for name := range fams {
		if name == doctor.MetricPrefix+"fleet_score" {
			continue
		}
		for _, l := range labelsOf(name) {
			if l["context"] == "" {
				t.Errorf("a sample of %s has no context label: %v", name, l)
			}
		}
	}
	found := map[string]int{}
	for _, l := range labelsOf(doctor.MetricPrefix + "failed_pods_findings") {
		if l["namespace"] == betaNS && l["code"] == doctor.CodeFailedPod {
			found[l["context"]]++
		}
	}
	if found["beta"] != 1 || len(found) != 1 {
		t.Errorf("samples of beta's Failed pod by context: %v, want beta only", found)
	}
	up := map[string]string{}
	for _, l := range labelsOf(doctor.MetricPrefix + "context_up") {
		up[l["context"]] = l["value"]
	}
	if up["alpha"] != "1" || up["beta"] != "1" || up["dead"] != "0" {
		t.Errorf("context_up %v", up)
	}
	if v := labelsOf(doctor.MetricPrefix + "fleet_score"); len(v) != 1 || v[0]["value"] != "0" {
		t.Errorf("fleet_score %v, want one sample of 0", v)
	}
}
