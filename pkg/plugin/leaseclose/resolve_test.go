package leaseclose

import (
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// TestResolve: a lease named without its provider takes the provider of
// its Manifest, whatever the case the owner was typed in; one the cluster
// does not run is refused unless the provider is named.
func TestResolve(t *testing.T) {
	ms := []*akash.Manifest{manifest(l2, "nginx"), manifest(l1, "xmrig")}
	named := akash.LeaseID{Owner: strings.ToUpper(alice), DSeq: l1.DSeq, GSeq: 1, OSeq: 1}
	if got, err := Resolve(named, ms, "lease"); err != nil || got != l1 {
		t.Fatalf("got %v, %v; want %v", got, err, l1)
	}
	typo := akash.LeaseID{Owner: alice, DSeq: l1.DSeq + 1, GSeq: 1, OSeq: 1}
	_, err := Resolve(typo, ms, "lease")
	want := "lease " + alice + "/8438018/1/1 has no Manifest in namespace lease: check --dseq/--gseq/--oseq, or pass --provider to close a lease this cluster does not run"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v; want %s", err, want)
	}
	typo.Provider = other
	if got, err := Resolve(typo, ms, "lease"); err != nil || got != typo {
		t.Fatalf("a named provider is taken as given: %v, %v", got, err)
	}
}

// TestCheckNotAll: an image match that takes every lease of a cluster with
// more than one is refused unless --max-leases was given.
func TestCheckNotAll(t *testing.T) {
	for _, tc := range []struct {
		matched, total int
		capSet         bool
		refused        bool
	}{{3, 3, false, true}, {3, 3, true, false}, {2, 3, false, false}, {1, 1, false, false}, {0, 0, false, false}} {
		if err := CheckNotAll(tc.matched, tc.total, tc.capSet); (err != nil) != tc.refused {
			t.Errorf("%+v: %v", tc, err)
		}
	}
}
