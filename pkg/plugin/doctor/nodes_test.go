package doctor

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodecheck"
)

// TestNodeResultsFold: a node that could not be checked makes each node
// check an error naming it, the other node's findings are kept with their
// pod and lease, and a check that applied to no node is not applicable.
func TestNodeResultsFold(t *testing.T) {
	reports := []nodecheck.Report{{Node: "n1", Results: []nodecheck.Result{
		{Check: "zombies", Status: nodecheck.StatusFindings, Findings: []nodecheck.Finding{{Code: "NC101", Severity: nodecheck.SeverityWarning,
			Namespace: "ns", Pod: "web-0", Lease: "o/1/1/1/p", Owner: "o", DSeq: "1", Message: "zombies", Fix: "kubectl akash node-debug zombies n1 --kill"}}},
		{Check: "memcg", Status: nodecheck.StatusNotApplicable, Reason: "cgroup v1 without memory controller"},
	}}}
	nodes := FromNodeReports(reports, []error{&nodecheck.NodeError{Node: "n2", Err: errors.New("the debug pod did not start")}}, []string{"zombies", "memcg"})
	sel := Selection{Node: []string{"zombies", "memcg"}}
	rep := Build("t", &Input{}, sel, nodes, 0)
	byName := map[string]CheckResult{}
	for _, r := range rep.Status.Results {
		byName[r.Name] = r
	}
	z := byName["zombies"]
	if z.Status != StatusError || !strings.Contains(z.Reason, "node n2: the debug pod did not start") || z.Scanned != 1 || len(z.Findings) != 1 ||
		z.Findings[0].Node != "n1" || z.Findings[0].Owner != "o" || z.Section != "processes" {
		t.Errorf("zombies: %+v", z)
	}
	if m := byName["memcg"]; m.Status != StatusError {
		t.Errorf("memcg could not run on n2: %+v", m)
	}
	if errs, _ := rep.Verdict(); !errs {
		t.Error("a node that could not be checked is an error")
	}
	nodes = FromNodeReports(reports, nil, []string{"memcg"})
	rep = Build("t", &Input{}, Selection{Node: []string{"memcg"}}, nodes, 0)
	if m := rep.Status.Results[0]; m.Status != StatusNotApplicable || !strings.Contains(m.Reason, "cgroup v1") {
		t.Errorf("memcg applied to no node: %+v", m)
	}
}

// TestNodeFindingJSON: a node check's finding folded into doctor's report
// keeps doctor's fields: a pod the API server named is namespace and pod,
// one it did not know is the object pod-uid/UID, and the UID itself is not
// repeated; node-debug health's own JSON (the same type) has no object.
func TestNodeFindingJSON(t *testing.T) {
	found := []nodecheck.Finding{
		{Code: "NC101", Severity: nodecheck.SeverityWarning, Check: "zombies", Node: "n1", Namespace: "ns", Pod: "web-0", PodUID: "u1", Message: "m"},
		{Code: "NC101", Severity: nodecheck.SeverityWarning, Check: "zombies", Node: "n1", PodUID: "u2", Message: "m"},
	}
	nodes := FromNodeReports([]nodecheck.Report{{Node: "n1", Results: []nodecheck.Result{{Check: "zombies", Status: nodecheck.StatusFindings, Findings: found}}}}, nil, []string{"zombies"})
	got, err := json.Marshal(nodes[0].Findings)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"code":"NC101","severity":"warning","check":"zombies","node":"n1","namespace":"ns","pod":"web-0","message":"m"},` +
		`{"code":"NC101","severity":"warning","check":"zombies","node":"n1","object":"pod-uid/u2","message":"m"}]`
	if string(got) != want {
		t.Errorf("doctor:\n got %s\nwant %s", got, want)
	}
	got, _ = json.Marshal(found[1])
	if want := `{"code":"NC101","severity":"warning","check":"zombies","node":"n1","podUID":"u2","message":"m"}`; string(got) != want {
		t.Errorf("node-debug health:\n got %s\nwant %s", got, want)
	}
}
