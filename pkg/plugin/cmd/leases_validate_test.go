package cmd

import (
	"strings"
	"testing"
	"time"

	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// validateCase is one input of a Validate table: set changes the
// defaults, want is the exact error ("" for none).
type validateCase[O any] struct {
	name string
	set  func(o O)
	want string
}

// validateTable runs Validate on options made by newOptions and changed
// by each case, with no cluster and no flags parsed.
func validateTable[O interface{ Validate() error }](t *testing.T, newOptions func(*Globals) O, cases []validateCase[O]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := newOptions(&Globals{})
			tc.set(o)
			validateWant(t, o.Validate(), tc.want)
		})
	}
}

// validateWant fails t unless err is exactly want ("" for nil).
func validateWant(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Fatalf("no error; want %q", want)
	case want != "" && err.Error() != want:
		t.Fatalf("error:\n  %s\nwant:\n  %s", err, want)
	}
}

// testTenant and testProvider are valid addresses, upper-cased as an operator
// may type them (Bech32 allows it); Validate lower-cases them.
var (
	testTenant   = akash.EncodeAddress([]byte("testTenant-account-20byte"[:20]))
	testProvider = akash.EncodeAddress([]byte("provider-account-20b"[:20]))
)

// TestLeasesCloseValidate: each bad input of `leases close` is one
// sentence, found before the cluster or the chain is read.
func TestLeasesCloseValidate(t *testing.T) {
	validateTable(t, NewLeasesCloseOptions, []validateCase[*LeasesCloseOptions]{
		{"one lease", func(o *LeasesCloseOptions) { o.Owner, o.DSeq = strings.ToUpper(testTenant), 7 }, ""},
		{"a file", func(o *LeasesCloseOptions) { o.Filename = "-" }, ""},
		{"nothing named", func(o *LeasesCloseOptions) {},
			"name the lease to close with --owner and --dseq (--gseq/--oseq default to 1), or pass -f FILE|- with a lease list"},
		{"no dseq", func(o *LeasesCloseOptions) { o.Owner = testTenant },
			"name the lease to close with --owner and --dseq (--gseq/--oseq default to 1), or pass -f FILE|- with a lease list"},
		{"two ways", func(o *LeasesCloseOptions) { o.Filename, o.Owner = "-", testTenant },
			"-f and --owner/--dseq/--gseq/--oseq/--provider name leases two ways: use one"},
		{"a file and a sequence", func(o *LeasesCloseOptions) { o.Filename, o.seqGiven = "-", true },
			"-f and --owner/--dseq/--gseq/--oseq/--provider name leases two ways: use one"},
		{"gseq 0", func(o *LeasesCloseOptions) { o.Owner, o.DSeq, o.GSeq = testTenant, 7, 0 }, "--gseq and --oseq start at 1"},
		{"bad owner", func(o *LeasesCloseOptions) { o.Owner, o.DSeq = "akash1nope", 7 },
			"--owner: \"akash1nope\" is not a bech32 address: no separator or checksum"},
		{"bad provider", func(o *LeasesCloseOptions) { o.Owner, o.DSeq, o.Provider = testTenant, 7, "cosmos1x" },
			"--provider: \"cosmos1x\" is not a bech32 address: no separator or checksum"},
		{"bad excluded owner", func(o *LeasesCloseOptions) { o.Filename, o.ExcludeOwners = "-", []string{"x"} },
			"--exclude-owner: \"x\" is not a bech32 address: wrong length"},
		{"reason out of range", func(o *LeasesCloseOptions) { o.Filename, o.Chain.Reason = "-", 5 },
			"--reason 5: providers close with a reason in 10000-19999 (default 10002), or 0 to leave it out"},
		{"no reason", func(o *LeasesCloseOptions) { o.Filename, o.Chain.Reason = "-", 0 }, ""},
		{"max leases 0", func(o *LeasesCloseOptions) { o.Filename, o.Chain.MaxLeases = "-", 0 },
			"--max-leases 0: want at least 1 (the most leases one run may act on)"},
		{"--from without --via-cli", func(o *LeasesCloseOptions) { o.Filename, o.Chain.From = "-", "closer" },
			"--from is for a local CLI: add --via-cli PATH (akt or provider-services); in the akash-provider pod the pod's own key and node settings sign"},
		{"--cli-context without --via-cli", func(o *LeasesCloseOptions) { o.Filename, o.Chain.Context = "-", "main" },
			"--cli-context is for a local CLI: add --via-cli PATH (akt or provider-services); in the akash-provider pod the pod's own key and node settings sign"},
		{"missing CLI", func(o *LeasesCloseOptions) { o.Filename, o.Chain.ViaCLI = "-", "/nonexistent/akt" },
			"--via-cli /nonexistent/akt: no such executable"},
		{"block time too short", func(o *LeasesCloseOptions) { o.Filename, o.Chain.BlockTime = "-", time.Millisecond },
			"--block-time 1ms: want the chain's block time, between 10ms and 10m (Akash: about 6s)"},
		{"negative chunk size", func(o *LeasesCloseOptions) { o.Filename, o.ChunkSize = "-", -1 },
			"--chunk-size must be 0 or positive, got -1"},
	})
}

// TestLeasesCloseValidateNormalizes: addresses typed in upper case are
// compared in the chain's lower case.
func TestLeasesCloseValidateNormalizes(t *testing.T) {
	o := NewLeasesCloseOptions(&Globals{})
	o.Owner, o.DSeq, o.Provider = strings.ToUpper(testTenant), 7, strings.ToUpper(testProvider)
	if err := o.Validate(); err != nil || o.Owner != testTenant || o.Provider != testProvider {
		t.Fatalf("%v: owner %s provider %s", err, o.Owner, o.Provider)
	}
}

// TestKillImageValidate: an expression that would take every lease is
// refused, as is a command without one.
func TestKillImageValidate(t *testing.T) {
	validateTable(t, NewKillImageOptions, []validateCase[*KillImageOptions]{
		{"an image", func(o *KillImageOptions) { o.Images = []string{"xmrig|miner"} }, ""},
		{"no image", func(o *KillImageOptions) {},
			"--image is required: the regular expression(s) of the images whose leases to close, e.g. --image 'xmrig|miner'"},
		{"empty image", func(o *KillImageOptions) { o.Images = []string{""} }, "--image needs a regular expression, got an empty string"},
		{"matches everything", func(o *KillImageOptions) { o.Images = []string{"xmrig", ".*"} },
			`--image ".*" matches every image (it matches the empty string): refusing; write part of the image name, e.g. 'xmrig'`},
		{"not a regex", func(o *KillImageOptions) { o.Images = []string{"("} },
			"--image \"(\" is not a valid regular expression: error parsing regexp: missing closing ): `(?i)(`"},
		{"bad excluded owner", func(o *KillImageOptions) { o.Images, o.ExcludeOwners = []string{"xmrig"}, []string{"akash1"} },
			"--exclude-owner: \"akash1\" is not a bech32 address: wrong length"},
		{"negative chunk size", func(o *KillImageOptions) { o.Images, o.ChunkSize = []string{"xmrig"}, -5 },
			"--chunk-size must be 0 or positive, got -5"},
		{"reason out of range", func(o *KillImageOptions) { o.Images, o.Chain.Reason = []string{"xmrig"}, 20000 },
			"--reason 20000: providers close with a reason in 10000-19999 (default 10002), or 0 to leave it out"},
	})
}

// TestLeasesListValidate: filters and the chain's address are checked
// before the three LISTs.
func TestLeasesListValidate(t *testing.T) {
	validateTable(t, NewLeasesListOptions, []validateCase[*LeasesListOptions]{
		{"defaults", func(o *LeasesListOptions) {}, ""},
		{"everything", func(o *LeasesListOptions) {
			o.Images, o.Owner, o.Chain.API, o.Provider = []string{".*"}, testTenant, "https://api.example:443", testProvider
		}, ""},
		{"empty image", func(o *LeasesListOptions) { o.Images = []string{""} }, "--image needs a regular expression, got an empty string"},
		{"bad selector", func(o *LeasesListOptions) { o.List.Selector = "a=(" },
			`-l/--selector "a=(" is not a label selector: unable to parse requirement: found '(', expected: identifier`},
		{"provider without api", func(o *LeasesListOptions) { o.Provider = testProvider },
			"--provider names whose leases to read from the chain: add --api"},
		{"plain HTTP api", func(o *LeasesListOptions) { o.Chain.API = "http://chain.example:1317" },
			`--api "http://chain.example:1317" is plain HTTP to another host, where anyone on the way can forge the chain's answers: use https, or pass --insecure-api if you accept that`},
		{"plain HTTP api, accepted", func(o *LeasesListOptions) { o.Chain.API, o.Chain.Insecure = "http://chain.example:1317", true }, ""},
		{"api timeout 0", func(o *LeasesListOptions) { o.Chain.API, o.Chain.Timeout = "https://api.example", 0 },
			"--api-timeout must be positive, got 0s"},
		{"bad provider", func(o *LeasesListOptions) { o.Chain.API, o.Provider = "https://api.example", "akash1x" },
			"--provider: \"akash1x\" is not a bech32 address: wrong length"},
		{"bad owner", func(o *LeasesListOptions) { o.Owner = "x" }, "--owner: \"x\" is not a bech32 address: wrong length"},
	})
}

// TestDanglingValidateTable: dangling's flags, checked before the cluster
// and the chain are read.
func TestDanglingValidateTable(t *testing.T) {
	validateTable(t, NewDanglingOptions, []validateCase[*DanglingOptions]{
		{"report", func(o *DanglingOptions) {}, ""},
		{"close rehearsed", func(o *DanglingOptions) { o.Close, o.Exec.DryRun = true, cmdutil.DryRunClient }, ""},
		{"rehearsal without --close", func(o *DanglingOptions) { o.Exec.DryRun = cmdutil.DryRunServer },
			"--dry-run rehearses --close: add --close, or drop --dry-run to only report"},
		{"negative min age", func(o *DanglingOptions) { o.MinAge = -time.Minute }, "--min-age must not be negative, got -1m0s"},
		{"api timeout 0", func(o *DanglingOptions) { o.API.Timeout = 0 }, "--api-timeout must be positive, got 0s"},
		{"ftp api", func(o *DanglingOptions) { o.API.API = "ftp://chain.example" },
			`--api "ftp://chain.example": want the chain's REST address, like https://api.example:443`},
		{"loopback api", func(o *DanglingOptions) { o.API.API = "http://127.0.0.1:1317" }, ""},
		{"bad provider", func(o *DanglingOptions) { o.Provider = "akash1" }, "--provider: \"akash1\" is not a bech32 address: wrong length"},
		{"max leases 0", func(o *DanglingOptions) { o.Close, o.Chain.MaxLeases = true, 0 },
			"--max-leases 0: want at least 1 (the most leases one run may act on)"},
		{"negative chunk size", func(o *DanglingOptions) { o.ChunkSize = -1 }, "--chunk-size must be 0 or positive, got -1"},
	})
}
