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
		{"one lease", func(o *CloseOptions) { o.Owner, o.DSeq = strings.ToUpper(clitest.Tenant), 7 }, ""},
		{"a file", func(o *CloseOptions) { o.Filename = "-" }, ""},
		{"nothing named", func(o *CloseOptions) {},
			"name the lease to close with --owner and --dseq (--gseq/--oseq default to 1), or pass -f FILE|- with a lease list"},
		{"no dseq", func(o *CloseOptions) { o.Owner = clitest.Tenant },
			"name the lease to close with --owner and --dseq (--gseq/--oseq default to 1), or pass -f FILE|- with a lease list"},
		{"two ways", func(o *CloseOptions) { o.Filename, o.Owner = "-", clitest.Tenant },
			"-f and --owner/--dseq/--gseq/--oseq/--provider name leases two ways: use one"},
		{"a file and a sequence", func(o *CloseOptions) { o.Filename, o.seqGiven = "-", true },
			"-f and --owner/--dseq/--gseq/--oseq/--provider name leases two ways: use one"},
		{"gseq 0", func(o *CloseOptions) { o.Owner, o.DSeq, o.GSeq = clitest.Tenant, 7, 0 }, "--gseq and --oseq start at 1"},
		{"bad owner", func(o *CloseOptions) { o.Owner, o.DSeq = "akash1nope", 7 },
			"--owner: \"akash1nope\" is not a bech32 address: no separator or checksum"},
		{"bad provider", func(o *CloseOptions) { o.Owner, o.DSeq, o.Provider = clitest.Tenant, 7, "cosmos1x" },
			"--provider: \"cosmos1x\" is not a bech32 address: no separator or checksum"},
		{"bad excluded owner", func(o *CloseOptions) { o.Filename, o.ExcludeOwners = "-", []string{"x"} },
			"--exclude-owner: \"x\" is not a bech32 address: wrong length"},
		{"reason out of range", func(o *CloseOptions) { o.Filename, o.Chain.Reason = "-", 5 },
			"--reason 5: providers close with a reason in 10000-19999 (default 10002), or 0 to leave it out"},
		{"no reason", func(o *CloseOptions) { o.Filename, o.Chain.Reason = "-", 0 }, ""},
		{"max leases 0", func(o *CloseOptions) { o.Filename, o.Chain.MaxLeases = "-", 0 },
			"--max-leases 0: want at least 1 (the most leases one run may act on)"},
		{"--from without --via-cli", func(o *CloseOptions) { o.Filename, o.Chain.From = "-", "closer" },
			"--from is for a local CLI: add --via-cli PATH (akt or provider-services); in the akash-provider pod the pod's own key and node settings sign"},
		{"--cli-context without --via-cli", func(o *CloseOptions) { o.Filename, o.Chain.Context = "-", "main" },
			"--cli-context is for a local CLI: add --via-cli PATH (akt or provider-services); in the akash-provider pod the pod's own key and node settings sign"},
		{"missing CLI", func(o *CloseOptions) { o.Filename, o.Chain.ViaCLI = "-", "/nonexistent/akt" },
			"--via-cli /nonexistent/akt: no such executable"},
		{"block time too short", func(o *CloseOptions) { o.Filename, o.Chain.BlockTime = "-", time.Millisecond },
			"--block-time 1ms: want the chain's block time, between 10ms and 10m (Akash: about 6s)"},
		{"negative chunk size", func(o *CloseOptions) { o.Filename, o.ChunkSize = "-", -1 },
			"--chunk-size must be 0 or positive, got -1"},
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
