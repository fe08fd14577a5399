package leases

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
)

const (
	prov  = "akash1nxq8gmsw2vlz3m68qvyvcf3kh6q269ajvqw6y0"
	other = "akash18qa2a2ltfyvkyj0ggj3hkvuj6twzyumuaru9s4"
	owner = "akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63"
)

func lease(dseq uint64, provider string) Lease {
	return Lease{ObjectMeta: metav1.ObjectMeta{Name: "ns" + string(rune('a'+dseq))},
		Spec: LeaseSpec{LeaseID: akash.LeaseID{Owner: owner, DSeq: dseq, GSeq: 1, OSeq: 1, Provider: provider}}}
}

func TestJoinChainNeverShowsAReclaimingLeaseAsClosed(t *testing.T) {
	deadline := time.Unix(1767225600, 0).UTC()
	items := []Lease{lease(1, prov), lease(2, prov), lease(3, prov), lease(4, other), {ObjectMeta: metav1.ObjectMeta{Name: "no-id"}}}
	open := []chain.LeaseState{
		{ID: items[0].Spec.LeaseID, State: chain.StateActive, Reclamation: &chain.Reclamation{Window: "24h0m0s"}},
		{ID: items[1].Spec.LeaseID, State: chain.StateReclaiming, Reclamation: &chain.Reclamation{Window: "24h0m0s", StartedAt: 900, Deadline: &deadline}},
	}
	JoinChain(items, prov, open)
	want := []string{chain.StateActive, chain.StateReclaiming, StateNotOpen}
	for i, w := range want {
		if items[i].Status.Chain == nil || items[i].Status.Chain.State != w {
			t.Fatalf("lease %d: want chain state %q, got %+v", i, w, items[i].Status.Chain)
		}
	}
	if items[3].Status.Chain != nil || items[4].Status.Chain != nil {
		t.Fatalf("another provider's lease and a lease without an ID have no chain state from this listing: %+v %+v", items[3].Status.Chain, items[4].Status.Chain)
	}

	tab := Table(items, metav1.Now, true).Table()
	n := len(tab.ColumnDefinitions)
	if tab.ColumnDefinitions[n-2].Name != "CHAIN" || tab.ColumnDefinitions[n-1].Name != "RECLAIM DEADLINE" || tab.ColumnDefinitions[n-1].Priority == 0 {
		t.Fatalf("want the wide CHAIN and RECLAIM DEADLINE columns last, got %+v", tab.ColumnDefinitions)
	}
	cells := func(i int) (string, string) {
		c := tab.Rows[i].Cells
		return c[n-2].(string), c[n-1].(string)
	}
	for i, want := range [][2]string{{"active", "<none>"}, {"reclaiming", "2026-01-01T00:00:00Z"}, {StateNotOpen, "<none>"}, {"<not read>", "<none>"}} {
		if s, d := cells(i); s != want[0] || d != want[1] {
			t.Errorf("row %d: want %v, got %q %q", i, want, s, d)
		}
	}
}

func TestTableWithoutChainKeepsItsColumns(t *testing.T) {
	for _, c := range Table([]Lease{lease(1, prov)}, metav1.Now, false).Table().ColumnDefinitions {
		if strings.Contains(c.Name, "CHAIN") || strings.Contains(c.Name, "RECLAIM") {
			t.Fatalf("no chain read, no chain columns: %+v", c)
		}
	}
}
