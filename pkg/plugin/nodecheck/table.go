package nodecheck

import (
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Table is the human view: one row per finding, and one per check that
// found nothing (its status and reason), so every check run is seen.
func Table(l *HealthList) *output.Table {
	t := output.NewTable(
		output.Column{Name: "NODE"},
		output.Column{Name: "CHECK"},
		output.Column{Name: "STATUS"},
		output.Column{Name: "CODE"},
		output.Column{Name: "SEVERITY"},
		output.Column{Name: "POD"},
		output.Column{Name: "LEASE"},
		output.Column{Name: "MESSAGE"},
		output.Column{Name: "FIX", Wide: true},
	)
	for _, h := range l.Items {
		if h.Status.Error != "" {
			t.AddRow(h.Name, "-", StatusError, "-", "-", "-", "-", h.Status.Error, "-")
			continue
		}
		for _, r := range h.Status.Results {
			if len(r.Findings) == 0 {
				t.AddRow(h.Name, r.Check, r.Status, "-", "-", "-", "-", output.Or(r.Reason, "-"), "-")
				continue
			}
			for _, f := range r.Findings {
				t.AddRow(h.Name, r.Check, r.Status, f.Code, string(f.Severity), podCell(f), leaseCell(f), f.Message, output.Or(f.Fix, "-"))
			}
		}
	}
	return t
}

func podCell(f Finding) string {
	switch {
	case f.Pod != "":
		return f.Namespace + "/" + f.Pod
	case f.PodUID != "":
		return "uid:" + f.PodUID
	}
	return "-"
}

func leaseCell(f Finding) string {
	if f.Owner == "" {
		return "-"
	}
	return f.Owner + "/" + f.DSeq
}
