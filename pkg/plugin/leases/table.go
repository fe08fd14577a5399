package leases

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Table renders leases for people. now is passed in so the output is
// reproducible in tests. withChain adds the wide chain columns, for a run
// that read the chain.
func Table(items []Lease, now func() metav1.Time, withChain bool) *output.Table {
	cols := []output.Column{
		output.Column{Name: "OWNER"},
		output.Column{Name: "DSEQ"},
		output.Column{Name: "GSEQ"},
		output.Column{Name: "OSEQ"},
		output.Column{Name: "NAMESPACE"},
		output.Column{Name: "SERVICES", Description: "name(replicas)=image"},
		output.Column{Name: "AGE"},
		output.Column{Name: "PODS", Wide: true, Description: "pods by phase"},
		output.Column{Name: "PROVIDER", Wide: true},
		output.Column{Name: "IN CLUSTER", Wide: true, Description: "which of Manifest and namespace exist"},
	}
	if withChain {
		cols = append(cols,
			output.Column{Name: "CHAIN", Wide: true, Description: "the lease's state on chain; \"not open\": closed or unknown to the chain"},
			output.Column{Name: "RECLAIM DEADLINE", Wide: true, Description: "when a reclaiming lease is closed by the chain; <none> when it is not reclaiming"})
	}
	t := output.NewTable(cols...)
	for _, l := range items {
		id := l.Spec.LeaseID
		dseq := "<unknown>"
		if id.DSeq != 0 {
			dseq = strconv.FormatUint(id.DSeq, 10)
		}
		row := []any{output.Or(id.Owner, "<unknown>"), dseq, strconv.FormatUint(uint64(id.GSeq), 10), strconv.FormatUint(uint64(id.OSeq), 10),
			l.Name, services(l.Spec.Services), output.Age(l.CreationTimestamp, now),
			phases(l.Status.Pods), output.Or(id.Provider, "<unknown>"), presence(l.Status)}
		if withChain {
			state, deadline := chainCells(l.Status.Chain)
			row = append(row, state, deadline)
		}
		t.AddRow(row...)
	}
	return t
}

func services(svcs []Service) string {
	if len(svcs) == 0 {
		return "<none>"
	}
	parts := make([]string, 0, len(svcs))
	for _, s := range svcs {
		parts = append(parts, fmt.Sprintf("%s(%d)=%s", s.Name, s.Count, s.Image))
	}
	return strings.Join(parts, ",")
}

func phases(p map[string]int) string {
	if len(p) == 0 {
		return "<none>"
	}
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, p[k]))
	}
	return strings.Join(parts, ",")
}

func presence(s LeaseStatus) string {
	switch {
	case s.Manifest && s.Namespace:
		return "manifest,namespace"
	case s.Manifest:
		return "manifest only"
	case s.Namespace:
		return "namespace only"
	}
	return "<none>"
}

// chainCells are the CHAIN and RECLAIM DEADLINE cells of a lease.
func chainCells(c *ChainStatus) (state, deadline string) {
	deadline = output.None
	if c == nil {
		return "<not read>", deadline
	}
	if r := c.Reclamation; r != nil && r.Deadline != nil {
		deadline = r.Deadline.UTC().Format(time.RFC3339)
	}
	return c.State, deadline
}
