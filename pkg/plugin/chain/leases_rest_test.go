package chain_test

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/test/chainapi"
)

var (
	prov  = akash.EncodeAddress([]byte("provider-address-0001"))
	other = akash.EncodeAddress([]byte("provider-address-0002"))
)

func leases() []chainapi.Lease {
	var out []chainapi.Lease
	for i := 0; i < 23; i++ {
		state := "active"
		switch i % 5 {
		case 1:
			state = "closed"
		case 2:
			state = "insufficient_funds"
		}
		out = append(out, chainapi.Lease{ID: akash.LeaseID{Owner: akash.EncodeAddress([]byte(fmt.Sprintf("tenant-%014d", i))), DSeq: uint64(100 + i), GSeq: uint32(1 + i%3), OSeq: uint32(1 + i%2), Provider: prov}, State: state, CreatedAt: int64(1000 + i)})
	}
	out = append(out, chainapi.Lease{ID: akash.LeaseID{Owner: out[0].ID.Owner, DSeq: 999, GSeq: 1, OSeq: 1, Provider: other}, State: "active"})
	return out
}

func client(s *chainapi.Server) *chain.REST {
	return &chain.REST{Base: s.URL(), Client: &http.Client{Timeout: 2 * time.Second}, PageSize: 100}
}

func TestOpenLeasesBothVersionsAllPages(t *testing.T) {
	for _, version := range []string{"v1beta5", "v1beta4"} {
		t.Run(version, func(t *testing.T) {
			s := chainapi.Start(t, leases()...)
			s.Version, s.MaxPage = version, 4
			r := client(s)
			got, err := r.OpenLeases(context.Background(), prov)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, l := range got {
				if l.ID.Provider != prov || l.State == "closed" {
					t.Fatalf("unexpected lease %+v", l)
				}
				ids = append(ids, l.ID.String())
			}
			sort.Strings(ids)
			// 23 leases, every fifth from 1 closed: 18 open, of every gseq/oseq.
			if len(got) != 18 {
				t.Fatalf("got %d open leases, want 18: %v", len(got), ids)
			}
			gseqs := map[uint32]bool{}
			for _, l := range got {
				gseqs[l.ID.GSeq] = true
			}
			if len(gseqs) != 3 {
				t.Fatalf("leases of every gseq must be listed: %v", gseqs)
			}
			if !strings.Contains(r.Describe(), version) {
				t.Fatalf("Describe %q", r.Describe())
			}
			if n := s.Requests["/akash/market/"+version+"/leases/list"]; n < 5 {
				t.Fatalf("want several pages, got %d requests", n)
			}
		})
	}
}

func TestLeaseInfo(t *testing.T) {
	ls := leases()
	s := chainapi.Start(t, ls...)
	s.Version = "v1beta4"
	r := client(s)
	got, err := r.Lease(context.Background(), ls[1].ID)
	if err != nil || got.State != chain.StateClosed || got.ID != ls[1].ID {
		t.Fatalf("%+v %v", got, err)
	}
	missing := ls[1].ID
	missing.DSeq = 77777
	got, err = r.Lease(context.Background(), missing)
	if err != nil || got.State != chain.StateNotFound {
		t.Fatalf("a lease the chain does not know: %+v %v", got, err)
	}
}

func TestFailuresAreErrorsNeverStates(t *testing.T) {
	for name, breakIt := range map[string]func(*chainapi.Server){
		"malformed JSON": func(s *chainapi.Server) { s.Broken = true },
		"server error":   func(s *chainapi.Server) { s.Fail = true },
		"timeout":        func(s *chainapi.Server) { s.Delay = 3 * time.Second },
		"no such API":    func(s *chainapi.Server) { s.Version = "v1beta9" },
	} {
		t.Run(name, func(t *testing.T) {
			s := chainapi.Start(t, leases()...)
			breakIt(s)
			r := client(s)
			if _, err := r.OpenLeases(context.Background(), prov); err == nil {
				t.Fatal("want an error")
			}
			if st, err := r.Lease(context.Background(), leases()[1].ID); err == nil {
				t.Fatalf("want an error, got state %q", st.State)
			}
		})
	}
}

func TestUnreachable(t *testing.T) {
	r := &chain.REST{Base: "http://127.0.0.1:1", Client: &http.Client{Timeout: time.Second}}
	if _, err := r.OpenLeases(context.Background(), prov); err == nil || !strings.Contains(err.Error(), "did not answer") {
		t.Fatalf("got %v", err)
	}
}

// The market API version is what the lease queries use: v1beta5 in one
// request, v1beta4 after v1beta5's 404; an API that serves neither says so.
func TestMarketVersion(t *testing.T) {
	for version, requests := range map[string]int{"v1beta5": 1, "v1beta4": 2} {
		s := chainapi.Start(t, leases()...)
		s.Version = version
		got, err := client(s).MarketVersion(context.Background())
		if err != nil || got != version {
			t.Errorf("%s: got %q, %v", version, got, err)
		}
		n := 0
		for _, c := range s.Requests {
			n += c
		}
		if n != requests {
			t.Errorf("%s: %d requests, want %d: %v", version, n, requests, s.Requests)
		}
	}
	s := chainapi.Start(t)
	s.Version = "v1beta9"
	if got, err := client(s).MarketVersion(context.Background()); err == nil || got != "" || !strings.Contains(err.Error(), "neither") {
		t.Errorf("neither served: %q, %v", got, err)
	}
}
