package chain

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

// TestDetectRefusesUnknownCLI is the hostile case: a binary that is neither
// akt nor provider-services (another Cosmos CLI, a wrapper script, a typo)
// is refused after `version`, in one sentence, and nothing else runs.
func TestDetectRefusesUnknownCLI(t *testing.T) {
	cases := map[string][]Output{
		"another cosmos CLI": {{Stdout: "v0.38.12\n"}, {Stdout: "name: akash\nserver_name: akash\nversion: v0.38.12\n"}},
		"gaiad json":         {{Stdout: "v19.0.0\n"}, {Stdout: `{"name":"gaia","server_name":"gaiad","version":"v19.0.0"}`}},
		"no version command": {{ExitCode: 1, Stderr: "unknown command \"version\""}, {ExitCode: 1, Stderr: "unknown command \"version\""}},
		"akt look-alike":     {{Stdout: "akt-wrapper 1.0\n"}, {Stdout: "version: 1.0\n"}},
	}
	for name, answers := range cases {
		r := &recorder{answers: answers}
		_, err := Detect(context.Background(), r, "--via-cli /usr/local/bin/x")
		if err == nil {
			t.Fatalf("%s: detected as a chain CLI", name)
		}
		if msg := err.Error(); strings.Count(msg, "\n") != 0 || !strings.Contains(msg, "nothing was sent") || !strings.Contains(msg, "--via-cli /usr/local/bin/x") {
			t.Errorf("%s: want one sentence naming the path and saying nothing was sent, got %q", name, msg)
		}
		for _, c := range r.calls {
			if c[1] != "version" {
				t.Errorf("%s: ran %v before knowing which CLI it is", name, c)
			}
		}
	}
}

func TestDetectCLI(t *testing.T) {
	r := &recorder{answers: []Output{{Stdout: "akt v0.4.1 (commit: 3f2a9c1, built: 2026-06-30T10:00:00Z)\n"}}}
	cli, err := Detect(context.Background(), r, "akt")
	if err != nil || !cli.IsAkt() || cli.Version != "v0.4.1" || len(r.calls) != 1 {
		t.Fatalf("akt: %+v %v after %v", cli, err, r.calls)
	}
	// provider-services prints only its version; its name is in --long
	// (YAML by default, JSON with -o json on some releases).
	for _, long := range []string{
		"name: provider-services\nserver_name: provider-services\nversion: v0.10.0\ncommit: abc\nbuild_tags: osusergo,netgo\n",
		`{"name":"provider-services","server_name":"provider-services","version":"v0.16.0"}`,
	} {
		r := &recorder{answers: []Output{{Stdout: "v0.10.0\n"}, {Stdout: long}}}
		cli, err := Detect(context.Background(), r, "ps")
		if err != nil || cli.IsAkt() || cli.Name() != Program || cli.Version == "" {
			t.Fatalf("provider-services: %+v %v", cli, err)
		}
		if got := strings.Join(r.calls[1][1:], " "); got != "version --long" {
			t.Fatalf("second call %q", got)
		}
	}
}

// TestDialectsNeverMix checks that each CLI gets only its own argv: akt's
// queries are positional (it has no --provider/--state/--owner on queries),
// provider-services' are flags with --gseq 0 --oseq 0.
func TestDialectsNeverMix(t *testing.T) {
	akt := CLI{Dialect: DialectAkt, From: "closer", KeyringBackend: "file", Context: "mainnet-closer", Node: "https://rpc.example:443"}
	ps := CLI{Dialect: DialectProviderServices, From: "provider", KeyringBackend: "test"}

	list := akt.ListLeasesArgv(provider, "active", 500, "KEY")
	if want := "akt query market lease --by provider " + provider + " active --limit 500 --page-key KEY --context mainnet-closer --node https://rpc.example:443 -o json"; strings.Join(list, " ") != want {
		t.Fatalf("akt list:\n got %s\nwant %s", strings.Join(list, " "), want)
	}
	get := strings.Join(akt.QueryLeaseArgv(lease), " ")
	if want := "akt query market lease " + owner + "/9200455/2/3/" + provider + " --context mainnet-closer --node https://rpc.example:443 -o json"; get != want {
		t.Fatalf("akt get:\n got %s\nwant %s", get, want)
	}
	for _, argv := range [][]string{list, akt.QueryLeaseArgv(lease)} {
		for _, f := range []string{"--provider", "--state", "--owner", "--dseq", "--gseq", "--oseq", "list", "get"} {
			if slices.Contains(argv, f) {
				t.Errorf("akt query got provider-services' %s: %v", f, argv)
			}
		}
	}
	closeArgv := strings.Join(akt.CloseBidArgv(CloseBid{ID: lease, Reason: 10001}), " ")
	if want := "akt tx market bid close --owner " + owner + " --dseq 9200455 --gseq 2 --oseq 3 --reason 10001 --from closer --keyring-backend file --context mainnet-closer --node https://rpc.example:443 --yes -o json"; closeArgv != want {
		t.Fatalf("akt close:\n got %s\nwant %s", closeArgv, want)
	}
	sim := akt.SimulateArgv(CloseBid{ID: lease, Reason: 10001})
	if !slices.Contains(sim, "--dry-run") || slices.Contains(sim, "--yes") || sim[slices.Index(sim, "--from")+1] != provider {
		t.Fatalf("akt simulate: %v", sim)
	}

	psList := ps.ListLeasesArgv(provider, "reclaiming", 1000, "")
	if want := "provider-services query market lease list --provider " + provider + " --state reclaiming --gseq 0 --oseq 0 --limit 1000 --output json"; strings.Join(psList, " ") != want {
		t.Fatalf("provider-services list: %s", strings.Join(psList, " "))
	}
	for _, argv := range [][]string{psList, ps.QueryLeaseArgv(lease), ps.CloseBidArgv(CloseBid{ID: lease}), ps.StartReclaimArgv(lease, 0)} {
		if argv[0] != "provider-services" || slices.Contains(argv, "--by") || slices.Contains(argv, "--context") || slices.Contains(argv, "-o") {
			t.Errorf("provider-services got akt's argv: %v", argv)
		}
	}
	// The pod's provider-services (zero CLI) is the command line it always was.
	if got, want := strings.Join(CloseBid{ID: lease, Reason: 10002}.Argv(), " "), "provider-services tx market bid close --owner "+owner+" --dseq 9200455 --gseq 2 --oseq 3 --reason 10002 --yes --output json"; got != want {
		t.Fatalf("pod argv: %s", got)
	}
}

// TestBroadcasterSpeaksTheDetectedCLI runs a close and its commit check
// through an akt runner: every command line is akt's.
func TestBroadcasterSpeaksTheDetectedCLI(t *testing.T) {
	r := &recorder{answers: []Output{{Stdout: txJSON(0, "ABC", 0, "")}, {Stdout: txJSON(77, "ABC", 0, "[]")}}}
	b, _ := broadcaster(r)
	b.CLI = CLI{Dialect: DialectAkt, From: "closer"}
	res := b.CloseBid(context.Background(), CloseBid{ID: lease, Reason: 10002})
	if res.Result != execute.Succeeded || res.Height != 77 {
		t.Fatalf("%+v", res)
	}
	if got := strings.Join(r.calls[1], " "); got != "akt query tx ABC -o json" {
		t.Fatalf("commit check %q", got)
	}
	for _, c := range r.calls {
		if c[0] != "akt" {
			t.Fatalf("not akt: %v", c)
		}
	}
	// An early close refused for its reclamation window names the command
	// that starts reclaiming, akt first, then the in-pod provider-services.
	r = &recorder{answers: []Output{{ExitCode: 1, Stderr: "Error: failed to execute message; message index: 0: reclamation window has not elapsed: invalid request"}}}
	b, _ = broadcaster(r)
	b.CLI = CLI{Dialect: DialectAkt, From: "closer"}
	res = b.CloseBid(context.Background(), CloseBid{ID: lease, Reason: 10002})
	wantAkt := "akt tx market bid start-reclaim --owner " + owner + " --dseq 9200455 --gseq 2 --oseq 3 --from closer"
	wantPS := "provider-services tx market bid start-reclaim --owner " + owner + " --dseq 9200455 --gseq 2 --oseq 3"
	if res.Result != execute.Failed || !strings.Contains(res.Message, wantAkt) || !strings.Contains(res.Message, wantPS) || strings.Index(res.Message, wantAkt) > strings.Index(res.Message, wantPS) {
		t.Fatalf("reclamation hint: %s", res.Message)
	}
	// --dry-run=server with akt is akt's --dry-run.
	r = &recorder{answers: []Output{{Stderr: "gas estimate: 91234"}}}
	b = NewBroadcaster(r, cmdutil.DryRunServer)
	b.CLI = CLI{Dialect: DialectAkt}
	res = b.CloseBid(context.Background(), CloseBid{ID: lease, Reason: 10002})
	if res.Result != execute.DryRun || r.calls[0][0] != "akt" || !slices.Contains(r.calls[0], "--dry-run") {
		t.Fatalf("server dry run: %+v %v", res, r.calls)
	}
}

// TestReclamationShapes reads the real v1beta5 page (reclamation: null) and
// the reclamation object in its proto JSON shapes.
func TestReclamationShapes(t *testing.T) {
	b, err := os.ReadFile("testdata/chain-leases-list.v1beta5.json")
	if err != nil {
		t.Fatal(err)
	}
	var page restListResponse
	if err := json.Unmarshal(b, &page); err != nil {
		t.Fatal(err)
	}
	st, err := page.Leases[0].Lease.state()
	if err != nil || st.State != StateActive || st.Reclamation != nil || st.ID.DSeq != 25880666 || st.CreatedAt != 25880690 {
		t.Fatalf("real page: %+v %v", st, err)
	}

	var l restLease
	reclaiming := `{"id":{"owner":"` + owner + `","dseq":"9200455","gseq":2,"oseq":3,"provider":"` + provider + `","bseq":0},
	  "state":"reclaiming","created_at":"100","closed_on":"0","reason":"lease_closed_invalid",
	  "reclamation":{"window":"86400s","started_at":"25900000","deadline":"1798761600","reason":"lease_closed_decommission"}}`
	if err := json.Unmarshal([]byte(reclaiming), &l); err != nil {
		t.Fatal(err)
	}
	st, err = l.state()
	if err != nil || st.State != StateReclaiming || st.Reclamation == nil {
		t.Fatalf("reclaiming: %+v %v", st, err)
	}
	r := st.Reclamation
	if r.Window != "24h0m0s" || r.StartedAt != 25900000 || r.Deadline == nil || !r.Deadline.Equal(time.Unix(1798761600, 0)) || r.Reason != "lease_closed_decommission" || !r.Started() {
		t.Fatalf("reclamation: %+v", r)
	}
	if got := r.Describe(time.Unix(1798761600-3600, 0)); got != "reclaiming until 2027-01-01T00:00:00Z (in 1h0m0s)" {
		t.Fatalf("describe: %q", got)
	}
	// A window offered but not started; a zero window is no reclamation.
	for in, want := range map[string]string{
		`{"window":"720h0m0s","started_at":"0","deadline":"0"}`: "has a reclamation window of 720h0m0s, not started",
		`{"window":"0s","started_at":0,"deadline":0}`:           "",
	} {
		var rr *restReclamation
		if err := json.Unmarshal([]byte(in), &rr); err != nil {
			t.Fatal(err)
		}
		if got := rr.reclamation().Describe(time.Now()); got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
}
