package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/leases"
	"github.com/kubectl-akash/kubectl-akash/test/chainapi"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// TestLeasesListShowsTheReclamationDeadline: with --api, `leases list`
// reads the chain once (the open leases, page by page, never one query per
// lease) and shows each lease's chain state and reclamation deadline; a
// reclaiming lease is open, never closed.
func TestLeasesListShowsTheReclamationDeadline(t *testing.T) {
	e := newDanglingEnv(t)
	active, reclaiming, gone := e.lease("active", 401), e.lease("reclaiming", 402), e.lease("gone", 403)
	seedLeases(t, e.c, e.leaseNS, []fixture.Lease{active, reclaiming, gone}, nil)
	deadline := time.Now().Add(20 * time.Hour).Truncate(time.Second).UTC()
	api := chainapi.Start(t,
		chainapi.Lease{ID: active.ID, State: "active", CreatedAt: 10, Reclamation: &chainapi.Reclamation{Window: 24 * time.Hour}},
		chainapi.Lease{ID: reclaiming.ID, State: "reclaiming", CreatedAt: 11,
			Reclamation: &chainapi.Reclamation{Window: 24 * time.Hour, StartedAt: 9000, Deadline: deadline}},
		chainapi.Lease{ID: gone.ID, State: "closed", CreatedAt: 12, ClosedOn: 900})
	api.MaxPage = 1 // every lease on its own page: the listing must follow next_key
	run := func(args ...string) result {
		base := []string{"leases", "list", "--lease-namespace", e.leaseNS, "--api", api.URL()}
		return kubectlAkash(t, e.c, runOpts{}, append(base, args...)...)
	}

	ls := byNamespace(t, run("-o", "json").ok(t).stdout)
	want := map[string]string{active.Namespace(): "active", reclaiming.Namespace(): "reclaiming", gone.Namespace(): leases.StateNotOpen}
	for ns, state := range want {
		if c := ls[ns].Status.Chain; c == nil || c.State != state {
			t.Fatalf("%s: want chain state %q, got %+v", ns, state, c)
		}
	}
	if r := ls[reclaiming.Namespace()].Status.Chain.Reclamation; r == nil || r.Deadline == nil || !r.Deadline.Equal(deadline) || r.Window != "24h0m0s" {
		t.Fatalf("reclaiming lease: want deadline %s and window 24h, got %+v", deadline, r)
	}
	if n, pages := api.Requests["/akash/market/v1beta5/leases/info"], api.Requests["/akash/market/v1beta5/leases/list"]; n != 0 || pages != 3 {
		t.Fatalf("want one paged listing (one page per open state: active, insufficient_funds, reclaiming) and no per-lease query, got %d list and %d info requests", pages, n)
	}

	wide := run("-o", "wide").ok(t).stdout
	rows := map[string]string{}
	for _, line := range strings.Split(wide, "\n") {
		for ns := range want {
			if strings.Contains(line, ns) {
				rows[ns] = line
			}
		}
	}
	if !strings.Contains(wide, "RECLAIM DEADLINE") || !strings.Contains(rows[reclaiming.Namespace()], deadline.Format(time.RFC3339)) ||
		!strings.Contains(rows[reclaiming.Namespace()], "reclaiming") || strings.Contains(rows[reclaiming.Namespace()], "closed") {
		t.Fatalf("wide: the reclaiming lease's row lacks its state or deadline:\n%s", wide)
	}
	if strings.Contains(rows[active.Namespace()], deadline.Format(time.RFC3339)) || !strings.HasSuffix(strings.TrimSpace(rows[active.Namespace()]), "<none>") {
		t.Fatalf("wide: an active lease has no deadline:\n%s", wide)
	}

	t.Run("without --api the chain is not read and the columns are absent", func(t *testing.T) {
		before := api.Requests["/akash/market/v1beta5/leases/list"]
		out := kubectlAkash(t, e.c, runOpts{}, "leases", "list", "--lease-namespace", e.leaseNS, "-o", "wide").ok(t).stdout
		if strings.Contains(out, "RECLAIM DEADLINE") || api.Requests["/akash/market/v1beta5/leases/list"] != before {
			t.Fatalf("no --api, no chain:\n%s", out)
		}
	})
	t.Run("a failing chain fails the run in one sentence", func(t *testing.T) {
		api.Lock()
		api.Fail = true
		api.Unlock()
		r := run("-o", "wide")
		if r.code == 0 || !strings.Contains(r.stderr, "cannot read the open leases of "+e.provider) || strings.Contains(r.stdout, "not open") {
			t.Fatalf("want a non-zero exit naming the chain, and no listing that reads as closed leases; got %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
	})
}
