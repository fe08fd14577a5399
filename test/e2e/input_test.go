package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// callsWith returns the recorded provider-services calls that close dseq.
func callsWith(calls []string, dseq uint64) []string {
	var out []string
	for _, c := range calls {
		if strings.Contains(c+" ", fmt.Sprintf(" --dseq %d ", dseq)) {
			out = append(out, c)
		}
	}
	return out
}

// TestLeasesCloseTakesOnlyWhatWasPlanned pipes the output of one command
// into leases close: a lease the first command decided not to act on
// (Skipped, Failed, ...) is never closed by the second.
func TestLeasesCloseTakesOnlyWhatWasPlanned(t *testing.T) {
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	l := seedActionLeases(t, c, leaseNS)
	script, calls := standIn(t)
	closeArgs := []string{"leases", "close", "-f", "-", "--lease-namespace", leaseNS, "--via-cli", script, "--block-time", "50ms", "--yes", "-o", "json"}

	t.Run("kill-image's protected tenant stays protected through the pipe", func(t *testing.T) {
		plan := kubectlAkash(t, c, runOpts{}, "leases", "kill-image", "--lease-namespace", leaseNS, "--via-cli", script,
			"--image", "xmrig", "--exclude-owner", l.friend.ID.Owner, "--dry-run=client", "-o", "json").ok(t)
		if got := closeList(t, plan.stdout)[l.friend.ID.DSeq]; got.Status.Actions[0].Result != "Skipped" {
			t.Fatalf("the plan must hold the protected lease as Skipped: %+v", got.Status.Actions[0])
		}
		r := kubectlAkash(t, c, runOpts{stdin: plan.stdout}, closeArgs...).ok(t)
		if got := callsWith(calls(), l.friend.ID.DSeq); got != nil {
			t.Fatalf("the protected lease was closed: %v", got)
		}
		for _, ls := range []fixture.Lease{l.minerA, l.sync} {
			if len(callsWith(calls(), ls.ID.DSeq)) == 0 {
				t.Errorf("%s was planned and must be closed; calls %v", ls.ID, calls())
			}
		}
		if !strings.Contains(r.stderr, l.friend.ID.String()) || !strings.Contains(r.stderr, "owner protected by --exclude-owner") {
			t.Errorf("stderr must say which lease was not taken and why:\n%s", r.stderr)
		}
		if f := closeList(t, r.stdout)[l.friend.ID.DSeq]; len(f.Status.Actions) != 1 || f.Status.Actions[0].Result != "Skipped" || f.Status.Transaction != nil {
			t.Errorf("the output must list the protected lease as Skipped: %+v", f.Status)
		}
	})

	t.Run("failed, refused and unknown outcomes are not taken either", func(t *testing.T) {
		before := len(calls())
		var items []string
		for i, res := range []string{"Failed", "Conflict", "Refused", "Unknown", "Forbidden", "Invalid", "NotFound", "Skipped"} {
			id := akash.LeaseID{Owner: fixture.Address(t.Name() + res), DSeq: uint64(5000 + i), GSeq: 1, OSeq: 1, Provider: fixture.Provider}
			items = append(items, fmt.Sprintf(`{"kind":"LeaseClose","spec":{"leaseID":{"owner":%q,"dseq":"%d","gseq":1,"oseq":1,"provider":%q}},"status":{"actions":[{"verb":"close-bid","target":{"version":"","resource":"bids","kind":"Bid","name":"x"},"outcome":{"result":%q,"message":"upstream said %s"}}]}}`,
				id.Owner, id.DSeq, id.Provider, res, res))
		}
		in := `{"apiVersion":"kubectl-akash.akash.network/v1alpha1","kind":"LeaseCloseList","metadata":{},"items":[` + strings.Join(items, ",") + `]}`
		r := kubectlAkash(t, c, runOpts{stdin: in}, closeArgs...)
		if len(calls()) != before {
			t.Fatalf("closed leases the input had not planned: %v", calls()[before:])
		}
		if r.code != 1 || !strings.Contains(r.stderr, "nothing to close") {
			t.Fatalf("an input whose every lease failed upstream must say so and exit 1: exit %d\n%s", r.code, r.stderr)
		}
		for _, res := range []string{"Failed", "Refused", "Unknown", "NotFound"} {
			if !strings.Contains(r.stderr, "upstream said "+res) {
				t.Errorf("stderr lacks the %s item:\n%s", res, r.stderr)
			}
		}
	})
}

// TestExcludeOwnerUpperCase: bech32 allows an all-upper-case spelling of
// an address; it names the same tenant and must protect it.
func TestExcludeOwnerUpperCase(t *testing.T) {
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	l := seedActionLeases(t, c, leaseNS)
	script, calls := standIn(t)
	upper := strings.ToUpper(l.friend.ID.Owner)

	t.Run("kill-image", func(t *testing.T) {
		r := kubectlAkash(t, c, runOpts{}, "leases", "kill-image", "--lease-namespace", leaseNS, "--via-cli", script, "--block-time", "50ms",
			"--image", "xmrig", "--exclude-owner", upper, "--yes", "-o", "json").ok(t)
		if got := callsWith(calls(), l.friend.ID.DSeq); got != nil {
			t.Fatalf("the tenant excluded as %s was closed: %v", upper, got)
		}
		if f := closeList(t, r.stdout)[l.friend.ID.DSeq]; f.Status.Actions[0].Result != "Skipped" {
			t.Fatalf("%+v", f.Status.Actions[0])
		}
	})
	t.Run("leases close -f", func(t *testing.T) {
		list := kubectlAkash(t, c, runOpts{}, "leases", "list", "--lease-namespace", leaseNS, "--image", "xmrig", "-o", "json").ok(t)
		r := kubectlAkash(t, c, runOpts{stdin: list.stdout}, "leases", "close", "-f", "-", "--lease-namespace", leaseNS, "--via-cli", script, "--block-time", "50ms",
			"--exclude-owner", upper, "--yes", "-o", "json").ok(t)
		if got := callsWith(calls(), l.friend.ID.DSeq); got != nil {
			t.Fatalf("the tenant excluded as %s was closed: %v", upper, got)
		}
		f := closeList(t, r.stdout)[l.friend.ID.DSeq]
		if f.Status.Actions[0].Result != "Skipped" || !strings.Contains(f.Status.Actions[0].Message, "--exclude-owner") {
			t.Fatalf("%+v", f.Status.Actions[0])
		}
	})
	t.Run("leases list --owner", func(t *testing.T) {
		r := kubectlAkash(t, c, runOpts{}, "leases", "list", "--lease-namespace", leaseNS, "--owner", upper, "-o", "json").ok(t)
		if got := byNamespace(t, r.stdout); len(got) != 1 || got[l.friend.Namespace()].Spec.LeaseID != l.friend.ID {
			t.Fatalf("want the tenant's one lease, got %v", keys(got))
		}
	})
	t.Run("leases close --owner in upper case finds the lease's Manifest", func(t *testing.T) {
		r := kubectlAkash(t, c, runOpts{}, "leases", "close", "--lease-namespace", leaseNS, "--via-cli", script,
			"--owner", strings.ToUpper(l.minerA.ID.Owner), "--dseq", "9200455", "--gseq", "2", "--oseq", "3", "--dry-run=client", "-o", "json").ok(t)
		got := closeList(t, r.stdout)[l.minerA.ID.DSeq]
		if got.Spec.LeaseID != l.minerA.ID || !got.Status.Manifest {
			t.Fatalf("%+v", got)
		}
	})
}

// TestLeasesCloseExactNumbers: a dseq is a 64-bit block height; -f must
// carry it to the chain exactly, never through a float.
func TestLeasesCloseExactNumbers(t *testing.T) {
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	script, calls := standIn(t)
	owner := fixture.Address(t.Name())
	args := []string{"leases", "close", "-f", "-", "--lease-namespace", leaseNS, "--via-cli", script, "--block-time", "50ms", "--yes", "-o", "json"}
	for _, dseq := range []string{"9007199254740993", "18446744073709551615"} {
		for name, in := range map[string]string{
			"json": fmt.Sprintf(`[{"owner":%q,"dseq":%s,"gseq":1,"oseq":1,"provider":%q}]`, owner, dseq, fixture.Provider),
			"yaml": fmt.Sprintf("- owner: %s\n  dseq: %s\n  gseq: 1\n  oseq: 1\n  provider: %s\n", owner, dseq, fixture.Provider),
		} {
			before := len(calls())
			r := kubectlAkash(t, c, runOpts{stdin: in}, args...).ok(t)
			got := calls()[before:]
			if len(got) != 1 || !strings.Contains(got[0], " --dseq "+dseq+" ") {
				t.Errorf("%s dseq %s reached the chain as %v", name, dseq, got)
			}
			var l struct {
				Items []struct {
					Spec struct {
						LeaseID struct {
							DSeq json.Number `json:"dseq"`
						} `json:"leaseID"`
					} `json:"spec"`
				} `json:"items"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &l); err != nil || len(l.Items) != 1 || l.Items[0].Spec.LeaseID.DSeq.String() != dseq {
				t.Errorf("%s: output dseq %+v %v", name, l, err)
			}
		}
	}
	for name, tc := range map[string]struct{ dseq, want string }{
		"negative":     {"-5", "dseq -5 is negative"},
		"fraction":     {"7.5", "dseq 7.5 is not a whole number"},
		"too large":    {"18446744073709551616", "dseq 18446744073709551616 is out of range: at most 18446744073709551615"},
		"not a number": {"true", "dseq is true: want a number or a decimal string"},
	} {
		t.Run(name, func(t *testing.T) {
			before := len(calls())
			in := fmt.Sprintf(`{"items":[{"spec":{"leaseID":{"owner":%q,"dseq":%s,"gseq":1,"oseq":1,"provider":%q}}}]}`, owner, tc.dseq, fixture.Provider)
			r := kubectlAkash(t, c, runOpts{stdin: in}, args...)
			if r.code != 1 || !strings.Contains(r.stderr, "$.items[0].spec.leaseID: ") || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, "map[") || strings.Count(r.stderr, "\n") != 1 {
				t.Fatalf("want one sentence with %q, got exit %d:\n%s", tc.want, r.code, r.stderr)
			}
			if len(calls()) != before {
				t.Fatal("bad input closed something")
			}
		})
	}
}
