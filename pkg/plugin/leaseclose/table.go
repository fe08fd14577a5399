package leaseclose

import (
	"strconv"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Table renders the plan or its outcome: one row per lease. MATCH shows
// the services whose image matched --image (kill-image), or every service
// when the lease was named directly.
func Table(items []LeaseClose) *output.Table {
	t := output.NewTable(
		output.Column{Name: "OWNER"},
		output.Column{Name: "DSEQ"},
		output.Column{Name: "GSEQ"},
		output.Column{Name: "OSEQ"},
		output.Column{Name: "NAMESPACE"},
		output.Column{Name: "SERVICES", Description: "service=image; with --image, only the matching ones"},
		output.Column{Name: "RESULT"},
		output.Column{Name: "MESSAGE"},
		output.Column{Name: "TXHASH", Wide: true},
		output.Column{Name: "PROVIDER", Wide: true},
	)
	for _, it := range items {
		id := it.Spec.LeaseID
		result, message := execute.Summarize(it.Status.Actions)
		if message == "" {
			for _, a := range it.Status.Actions {
				if a.Result == execute.Succeeded || a.Result == execute.DryRun {
					message = a.Message
				}
			}
		}
		hash := "<none>"
		if it.Status.Transaction != nil && it.Status.Transaction.TxHash != "" {
			hash = it.Status.Transaction.TxHash
		}
		t.AddRow(id.Owner, strconv.FormatUint(id.DSeq, 10), strconv.FormatUint(uint64(id.GSeq), 10), strconv.FormatUint(uint64(id.OSeq), 10),
			it.Name, serviceCell(it), result, output.Or(message, output.None), hash, id.Provider)
	}
	return t
}

func serviceCell(it LeaseClose) string {
	var parts []string
	if len(it.Spec.Matches) > 0 {
		for _, m := range it.Spec.Matches {
			parts = append(parts, m.Service+"="+m.Image)
		}
		return strings.Join(parts, ",")
	}
	if !it.Status.Manifest {
		return "<no Manifest in cluster>"
	}
	for _, s := range it.Spec.Services {
		parts = append(parts, s.Name+"="+s.Image)
	}
	return output.Or(strings.Join(parts, ","), output.None)
}
