package leaseclose

import (
	"strings"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli/clitest"
)

// TestLeasesCloseValidate: each bad input of `leases close` is one
// sentence, found before the cluster or the chain is read.
func TestLeasesCloseValidate(t *testing.T) {
	clitest.ValidateTable(t, NewCloseOptions, []clitest.Case[*CloseOptions]{
		{Name: "one lease", Set: func(o *CloseOptions) { o.Owner, o.DSeq = strings.ToUpper(clitest.Tenant), 7 }},
		{Name: "a file", Set: func(o *CloseOptions) { o.Filename = "-" }},
		{Name: "nothing named", Set: func(o *CloseOptions) {},
			Want: "name the lease to close with --owner and --dseq (--gseq/--oseq default to 1), or pass -f FILE|- with a lease list"},
		{Name: "no dseq", Set: func(o *CloseOptions) { o.Owner = clitest.Tenant },
			Want: "name the lease to close with --owner and --dseq (--gseq/--oseq default to 1), or pass -f FILE|- with a lease list"},
		{Name: "two ways", Set: func(o *CloseOptions) { o.Filename, o.Owner = "-", clitest.Tenant },
			Want: "-f and --owner/--dseq/--gseq/--oseq/--provider name leases two ways: use one"},
		{Name: "a file and a sequence", Set: func(o *CloseOptions) { o.Filename, o.seqGiven = "-", true },
			Want: "-f and --owner/--dseq/--gseq/--oseq/--provider name leases two ways: use one"},
		{Name: "gseq 0", Set: func(o *CloseOptions) { o.Owner, o.DSeq, o.GSeq = clitest.Tenant, 7, 0 }, Want: "--gseq and --oseq start at 1"},
		{Name: "bad owner", Set: func(o *CloseOptions) { o.Owner, o.DSeq = "akash1nope", 7 },
			Want: "--owner: \"akash1nope\" is not a bech32 address: no separator or checksum"},
		{Name: "bad provider", Set: func(o *CloseOptions) { o.Owner, o.DSeq, o.Provider = clitest.Tenant, 7, "cosmos1x" },
			Want: "--provider: \"cosmos1x\" is not a bech32 address: no separator or checksum"},
		{Name: "bad excluded owner", Set: func(o *CloseOptions) { o.Filename, o.ExcludeOwners = "-", []string{"x"} },
			Want: "--exclude-owner: \"x\" is not a bech32 address: wrong length"},
		{Name: "reason out of range", Set: func(o *CloseOptions) { o.Filename, o.Chain.Reason = "-", 5 },
			Want: "--reason 5: providers close with a reason in 10000-19999 (default 10002), or 0 to leave it out"},
		{Name: "no reason", Set: func(o *CloseOptions) { o.Filename, o.Chain.Reason = "-", 0 }},
		{Name: "max leases 0", Set: func(o *CloseOptions) { o.Filename, o.Chain.MaxLeases = "-", 0 },
			Want: "--max-leases 0: want at least 1 (the most leases one run may act on)"},
		{Name: "--from without --via-cli", Set: func(o *CloseOptions) { o.Filename, o.Chain.From = "-", "closer" },
			Want: "--from is for a local CLI: add --via-cli PATH (akt or provider-services); in the akash-provider pod the pod's own key and node settings sign"},
		{Name: "--cli-context without --via-cli", Set: func(o *CloseOptions) { o.Filename, o.Chain.Context = "-", "main" },
			Want: "--cli-context is for a local CLI: add --via-cli PATH (akt or provider-services); in the akash-provider pod the pod's own key and node settings sign"},
		{Name: "missing CLI", Set: func(o *CloseOptions) { o.Filename, o.Chain.ViaCLI = "-", "/nonexistent/akt" },
			Want: "--via-cli /nonexistent/akt: no such executable"},
		{Name: "block time too short", Set: func(o *CloseOptions) { o.Filename, o.Chain.BlockTime = "-", time.Millisecond },
			Want: "--block-time 1ms: want the chain's block time, between 10ms and 10m (Akash: about 6s)"},
		{Name: "negative chunk size", Set: func(o *CloseOptions) { o.Filename, o.ChunkSize = "-", -1 },
			Want: "--chunk-size must be 0 or positive, got -1"},
	})
}

// TestLeasesCloseValidateNormalizes: addresses typed in upper case are
// compared in the chain's lower case.
func TestLeasesCloseValidateNormalizes(t *testing.T) {
	o := NewCloseOptions(&cli.Globals{})
	o.Owner, o.DSeq, o.Provider = strings.ToUpper(clitest.Tenant), 7, strings.ToUpper(clitest.Provider)
	if err := o.Validate(); err != nil || o.Owner != clitest.Tenant || o.Provider != clitest.Provider {
		t.Fatalf("%v: owner %s provider %s", err, o.Owner, o.Provider)
	}
}
