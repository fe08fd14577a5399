package dangling

import (
	"fmt"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Table renders dangling leases for people.
func Table(items []DanglingLease) *output.Table {
	t := output.NewTable(
		output.Column{Name: "DIRECTION"},
		output.Column{Name: "LEASE", Description: "owner/dseq/gseq/oseq"},
		output.Column{Name: "NAMESPACE"},
		output.Column{Name: "CHAIN STATE"},
		output.Column{Name: "HELD", Description: "pods and resources held in the cluster"},
		output.Column{Name: "RESULT"},
		output.Column{Name: "MESSAGE"},
		output.Column{Name: "SERVICES", Wide: true},
		output.Column{Name: "CHAIN HEIGHTS", Wide: true, Description: "created/closed block"},
	)
	for _, d := range items {
		id := d.Spec.LeaseID
		direction := "in cluster, not on chain"
		if d.Spec.Direction == OnChainNotInCluster {
			direction = "on chain, not in cluster"
		}
		held := "-"
		if d.Spec.Direction == InClusterNotOnChain {
			h := d.Spec.Held
			held = fmt.Sprintf("%d pods, %dm cpu, %dMi", h.Pods, h.CPUMillis, h.MemoryBytes>>20)
			if h.GPUs > 0 {
				held += fmt.Sprintf(", %d gpu", h.GPUs)
			}
		}
		result, msg := execute.Summarize(d.Status.Actions)
		if len(d.Status.Actions) == 0 {
			result, msg = "Reported", d.Status.Note
		}
		state := d.Spec.ChainState
		if r := d.Spec.Reclamation; r != nil && r.Deadline != nil {
			state += " until " + r.Deadline.UTC().Format("2006-01-02T15:04Z")
		} else if r != nil && r.Window != "" {
			state += " (reclaim window " + r.Window + ")"
		}
		if d.Spec.ChainError != "" {
			msg = strings.TrimSpace(msg + " (" + d.Spec.ChainError + ")")
		}
		heights := fmt.Sprintf("%d/%d", d.Spec.CreatedAt, d.Spec.ClosedOn)
		t.AddRow(direction, fmt.Sprintf("%s/%d/%d/%d", id.Owner, id.DSeq, id.GSeq, id.OSeq), d.Name, state, held, result, output.Or(msg, output.None), output.Or(d.Spec.Held.Services, output.None), heights)
	}
	return t
}
