package e2e

import (
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// TestLeasesBlastRadius: a regex that matches every lease (`--image .`),
// or more leases than --max-leases, is refused before anything is asked or
// closed; --max-leases raised on purpose lets the run go on.
func TestLeasesBlastRadius(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	var ls []fixture.Lease
	for i := range 3 {
		ls = append(ls, fixture.NewLease(t.Name()+"/"+string(rune('a'+i)), uint64(7100+i), fixture.Web("nginx:1.25")))
	}
	opts := []fixture.Options{{NoWorkloads: true}, {NoWorkloads: true}, {NoWorkloads: true}}
	seedLeases(t, c, leaseNS, ls, opts)
	script, calls := standIn(t)
	base := []string{"leases", "kill-image", "--lease-namespace", leaseNS, "--via-cli", script, "--block-time", "10ms", "--yes"}

	r := kubectlAkash(t, c, runOpts{}, append(base, "--image", ".")...)
	if r.code != 1 || !strings.Contains(r.stderr, "matches every one of the 3 leases") || !strings.Contains(r.stderr, "--max-leases 3") {
		t.Fatalf("--image . must be refused: exit %d\n%s", r.code, r.stderr)
	}
	r = kubectlAkash(t, c, runOpts{}, append(base, "--image", "nginx", "--max-leases", "2")...)
	if r.code != 1 || !strings.Contains(r.stderr, "refusing to act on 3 leases in one run (at most 2)") || !strings.Contains(r.stderr, "--max-leases") {
		t.Fatalf("more leases than --max-leases must be refused: exit %d\n%s", r.code, r.stderr)
	}
	if got := calls(); len(got) != 0 {
		t.Fatalf("a refused run must close nothing: %v", got)
	}
	kubectlAkash(t, c, runOpts{}, append(base, "--image", ".", "--max-leases", "3")...).ok(t)
	if got := calls(); len(got) != 3 {
		t.Fatalf("with --max-leases 3 all three close: %v", got)
	}
}
