package doctor

import (
	"fmt"
	"io"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// PrintHuman writes one table per section, each under a line with its
// score, then the overall score and the checks that could not run.
func PrintHuman(w io.Writer, out *output.Flags, rep *Report) error {
	bySection := map[string][]CheckResult{}
	for _, r := range rep.Status.Results {
		bySection[r.Section] = append(bySection[r.Section], r)
	}
	printed := 0
	for _, s := range rep.Status.Sections {
		if allSkipped(bySection[s.Name]) {
			continue // left out on purpose: -o json still lists them
		}
		if printed > 0 {
			fmt.Fprintln(w)
		}
		printed++
		fmt.Fprintf(w, "%s %s\n", strings.ToUpper(s.Title), scoreText(s.Score))
		rs := bySection[s.Name]
		if err := out.PrintTable(w, func() *output.Table { return SectionTable(rs) }); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\nOVERALL %s\n", scoreText(rep.Status.Score))
	for _, e := range rep.Status.Errors {
		fmt.Fprintf(w, "could not run: %s\n", e)
	}
	return nil
}

// scoreText is "72/100 (C) — 12 ok, 1 warning, 2 error".
func scoreText(s *Score) string {
	if s == nil {
		return "(not scored: nothing was checked)"
	}
	t := s.Tally
	return fmt.Sprintf("%d/100 (%s): %d ok, %d info, %d warning, %d error", s.Value, s.Grade, t.OK, t.Info, t.Warning, t.Error)
}

// SectionTable is one row per finding, and one row for each check without
// findings saying how it went.
func SectionTable(rs []CheckResult) *output.Table {
	t := output.NewTable(
		output.Column{Name: "CHECK"},
		output.Column{Name: "SEVERITY", Description: "the finding's severity, or the check's status"},
		output.Column{Name: "CODE"},
		output.Column{Name: "NODE"},
		output.Column{Name: "OBJECT", Description: "the pod or object at fault"},
		output.Column{Name: "LEASE", Description: "owner/dseq of the lease (the tenant)"},
		output.Column{Name: "MESSAGE"},
		output.Column{Name: "FIX"},
		output.Column{Name: "NAMESPACE", Wide: true},
		output.Column{Name: "FULL LEASE", Wide: true},
	)
	for _, r := range rs {
		if len(r.Findings) == 0 {
			msg := r.Reason
			if msg == "" {
				msg = fmt.Sprintf("%d scanned, nothing found", r.Scanned)
			}
			t.AddRow(r.Name, strings.ToUpper(r.Status), output.None, output.None, output.None, output.None, msg, output.None, output.None, output.None)
			continue
		}
		for _, f := range r.Findings {
			obj := f.Pod
			if obj != "" {
				obj = "pod/" + obj
			} else {
				obj = f.Object
			}
			lease := ""
			if f.Owner != "" {
				lease = f.Owner + "/" + f.DSeq
			}
			t.AddRow(r.Name, strings.ToUpper(string(f.Severity)), f.Code, output.Or(f.Node, output.None), output.Or(obj, output.None),
				output.Or(lease, output.None), f.Message, output.Or(f.Fix, output.None), output.Or(f.Namespace, output.None), output.Or(f.Lease, output.None))
		}
	}
	return t
}

// allSkipped says whether every check of a section was left out.
func allSkipped(rs []CheckResult) bool {
	for _, r := range rs {
		if r.Status != StatusSkipped {
			return false
		}
	}
	return true
}
