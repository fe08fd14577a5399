package doctor

import (
	"fmt"
	"sort"
	"strings"
)

// NodeResult is one node check's outcome on one node, as the node side
// reported it (findings already tied to pods and leases).
type NodeResult struct {
	Check, Node, Status, Reason string
	Findings                    []Finding
	Metrics                     []Metric
}

// Build runs the selected cluster checks on in, folds in the node checks'
// results, and scores every section and the whole. It is pure.
func Build(name string, in *Input, sel Selection, nodes []NodeResult, minScore int) *Report {
	rep := NewReport(name)
	rep.Spec.MinScore = minScore
	for _, c := range sel.Cluster {
		rep.Spec.Checks = append(rep.Spec.Checks, c.Name)
		r := runCluster(c, in)
		rep.Status.Results = append(rep.Status.Results, r)
	}
	for _, n := range sel.Node {
		rep.Spec.Checks = append(rep.Spec.Checks, n)
		rep.Status.Results = append(rep.Status.Results, foldNode(n, nodes))
	}
	seen := map[string]bool{}
	for _, n := range nodes {
		if !seen[n.Node] {
			seen[n.Node] = true
			rep.Spec.Nodes = append(rep.Spec.Nodes, n.Node)
		}
	}
	sort.Strings(rep.Spec.Nodes)
	for _, s := range sel.Skipped {
		why := "left out by --checks or --skip"
		if sel.NoNodes && !isCluster(s) {
			why = "left out by --no-nodes"
		}
		rep.Status.Results = append(rep.Status.Results, CheckResult{Name: s, Section: sectionOf(s), Status: StatusSkipped, Reason: why, Findings: []Finding{}})
	}
	score(rep)
	return rep
}

// runCluster runs one cluster check, unless a list it needs failed.
func runCluster(c ClusterCheck, in *Input) CheckResult {
	var why []string
	for _, res := range c.Needs {
		if err := in.LoadErrors[res]; err != nil {
			why = append(why, err.Error())
		}
	}
	var r CheckResult
	if len(why) > 0 {
		r = failed(strings.Join(dedupe(why), "; "))
	} else {
		r = c.Run(in)
	}
	r.Name, r.Section = c.Name, c.Section
	for i := range r.Findings {
		r.Findings[i].Check = c.Name
	}
	finish(&r)
	return r
}

// finish sets a result's status from its findings, unless it is already
// not applicable or an error.
func finish(r *CheckResult) {
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	if r.Status == StatusError || r.Status == StatusNotApplicable || r.Status == StatusSkipped {
		return
	}
	r.Status = StatusOK
	for _, f := range r.Findings {
		if f.Severity.Rank() >= SeverityWarning.Rank() {
			r.Status = StatusFindings
		}
	}
}

// foldNode joins one node check's results over every node: the nodes it
// ran on are what it scanned; a node where it could not run makes it an
// error (naming the node) while the other nodes' findings are kept; it is
// not applicable only when it applied to no node.
func foldNode(check string, nodes []NodeResult) CheckResult {
	r := CheckResult{Name: check, Section: NodeSection(check), Findings: []Finding{}}
	var errs, na []string
	for _, n := range nodes {
		if n.Check != check {
			continue
		}
		switch n.Status {
		case StatusError:
			errs = append(errs, "node "+n.Node+": "+n.Reason)
		case StatusNotApplicable:
			na = append(na, n.Node+": "+n.Reason)
		default:
			r.Scanned++
		}
		for _, f := range n.Findings {
			f.Check = check
			if f.Node == "" {
				f.Node = n.Node
			}
			r.Findings = append(r.Findings, f)
		}
		for _, m := range n.Metrics {
			if m.Labels == nil {
				m.Labels = map[string]string{}
			}
			if _, ok := m.Labels["node"]; !ok {
				m.Labels["node"] = n.Node
			}
			r.Metrics = append(r.Metrics, m)
		}
	}
	switch {
	case len(errs) > 0:
		r.Status, r.Reason = StatusError, strings.Join(errs, "; ")
	case r.Scanned == 0 && len(na) > 0:
		r.Status, r.Reason = StatusNotApplicable, strings.Join(dedupe(na), "; ")
	case r.Scanned == 0:
		r.Status, r.Reason = StatusNotApplicable, "no node was checked"
	}
	finish(&r)
	return r
}

// isCluster says whether name is a cluster check.
func isCluster(name string) bool {
	for _, c := range ClusterChecks() {
		if c.Name == name {
			return true
		}
	}
	return false
}

// sectionOf is the section a check belongs to.
func sectionOf(check string) string {
	for _, c := range ClusterChecks() {
		if c.Name == check {
			return c.Section
		}
	}
	return NodeSection(check)
}

// score fills the sections (in their fixed order, only those with a check
// in this run), their scores, the overall score and the errors.
func score(rep *Report) {
	bySection := map[string][]CheckResult{}
	for _, r := range rep.Status.Results {
		bySection[r.Section] = append(bySection[r.Section], r)
		if r.Status == StatusError {
			rep.Status.Errors = append(rep.Status.Errors, fmt.Sprintf("%s: %s", r.Name, r.Reason))
		}
	}
	for _, st := range sectionTitles {
		rs := bySection[st.Name]
		if len(rs) == 0 {
			continue
		}
		s := Section{Name: st.Name, Title: st.Title}
		var t Tally
		for _, r := range rs {
			s.Checks = append(s.Checks, r.Name)
			if r.Status == StatusOK || r.Status == StatusFindings {
				t = t.plus(tallyOf(r))
			}
		}
		s.Score = scoreOf(t)
		rep.Status.Sections = append(rep.Status.Sections, s)
	}
	rep.Status.Score = overall(rep.Status.Sections)
}

// dedupe keeps the first of each string, in order.
func dedupe(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// Verdict is the exit decision: Errors when a check could not run;
// Failing when the score is under --min-score, or, without --min-score,
// when any finding is a warning or an error.
func (rep *Report) Verdict() (errors bool, failing bool) {
	errors = len(rep.Status.Errors) > 0
	if rep.Spec.MinScore > 0 {
		return errors, rep.Status.Score != nil && rep.Status.Score.Value < rep.Spec.MinScore
	}
	for _, r := range rep.Status.Results {
		if r.Status == StatusFindings {
			failing = true
		}
	}
	return errors, failing
}
