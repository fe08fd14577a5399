package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/dangling"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/test/chainapi"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// standInAkt writes a stand-in akt: it names itself in `version` as the real
// one does ("akt VERSION (commit: C, built: D)"), records every other call,
// and answers in akt's shapes: `query market lease --by provider ADDR STATE`
// prints DIR/list-STATE.json (the chain's QueryLeasesResponse JSON),
// `query market lease OWNER/DSEQ/GSEQ/OSEQ/PROVIDER` prints DIR/get-DSEQ.json
// or the chain's not-found error, `tx market bid close` a committed
// TxResponse. Like the real akt, it refuses the identity and filter flags
// it dropped from queries (--provider, --state, --owner, ...) and the
// provider-services subcommands `list`/`get`.
func standInAkt(t *testing.T) (path, dir string, calls func() []string) {
	t.Helper()
	dir = t.TempDir()
	path = filepath.Join(dir, "akt")
	script := `#!/bin/sh
D=` + dir + `
if [ "$*" = "version" ]; then echo "akt v0.4.1 (commit: 3f2a9c1, built: 2026-06-30T10:00:00Z)"; exit 0; fi
echo "$*" >>"$D/calls"
case "$1 $2" in
"query market"|"q market")
  for a in "$@"; do
    case "$a" in
    --provider|--state|--owner|--dseq|--gseq|--oseq|list|get) echo "Error: unknown flag or command: $a (use the positional filter)" >&2; exit 1 ;;
    esac
  done
  if [ "$3 $4" = "lease --by" ]; then
    f="$D/list-$7.json"; [ -e "$f" ] && cat "$f" || echo '{"leases":[],"pagination":{"next_key":null,"total":"0"}}'
    exit 0
  fi
  dseq=$(echo "$4" | cut -d/ -f2)
  if [ -e "$D/get-$dseq.json" ]; then cat "$D/get-$dseq.json"; exit 0; fi
  echo "Error: rpc error: code = NotFound desc = lease not found" >&2; exit 1 ;;
"query tx") printf '{"height":"5151","txhash":"%s","code":0,"codespace":"","raw_log":"[]"}\n' "$3"; exit 0 ;;
"tx market")
  case " $* " in *" --dry-run "*) echo "gas estimate: 91234" >&2; exit 0 ;; esac
  printf '{"height":"5150","txhash":"AK7%061d","code":0,"codespace":"","raw_log":"[]"}\n' "$(wc -l <"$D/calls")"; exit 0 ;;
esac
echo "Error: unexpected: $*" >&2; exit 1
`
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path, dir, func() []string {
		b, err := os.ReadFile(filepath.Join(dir, "calls"))
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSpace(string(b)), "\n")
	}
}

// aktLease is one lease in the chain's v1beta5 JSON, as the real page in
// pkg/plugin/chain/testdata has it, with a reclamation when given.
func aktLease(id akash.LeaseID, state, reclamation string) string {
	if reclamation == "" {
		reclamation = "null"
	}
	return fmt.Sprintf(`{"lease":{"id":{"owner":%q,"dseq":"%d","gseq":%d,"oseq":%d,"provider":%q,"bseq":0},"state":%q,`+
		`"price":{"denom":"uact","amount":"4.826603000000000000"},"created_at":"100","closed_on":"%s","reason":"lease_closed_invalid","reclamation":%s},`+
		`"escrow_payment":{"state":{"owner":%q,"state":"open"}}}`,
		id.Owner, id.DSeq, id.GSeq, id.OSeq, id.Provider, state, map[bool]string{true: "900", false: "0"}[state == "closed"], reclamation, id.Provider)
}

func writeJSON(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLeasesCloseViaAkt closes through a local akt: akt's argv with the
// signing flags, --dry-run=server as akt's --dry-run; and a binary that is
// neither CLI is refused before anything is sent.
func TestLeasesCloseViaAkt(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	l := fixture.NewLease(t.Name()+"/miner", 9300001, fixture.Web("xmrig/xmrig:6"))
	seedLeases(t, c, leaseNS, []fixture.Lease{l}, nil)
	akt, _, calls := standInAkt(t)
	base := []string{"leases", "close", "--lease-namespace", leaseNS, "--owner", l.ID.Owner, "--dseq", fmt.Sprint(l.ID.DSeq), "--via-cli", akt, "--block-time", "50ms"}

	// Hostile first: a binary that is not akt or provider-services.
	dir := t.TempDir()
	other := filepath.Join(dir, "akash")
	writeJSON(t, other, "#!/bin/sh\necho \"$*\" >>"+dir+"/calls\ncase \"$*\" in version) echo v0.38.12 ;; 'version --long') printf 'name: akash\\nserver_name: akash\\n' ;; esac\n")
	_ = os.Chmod(other, 0o755)
	r := kubectlAkash(t, c, runOpts{}, "leases", "close", "--lease-namespace", leaseNS, "--owner", l.ID.Owner, "--dseq", fmt.Sprint(l.ID.DSeq), "--via-cli", other, "--from", "closer", "--yes")
	if r.code != 1 || !strings.Contains(r.stderr, "is refused: it is neither akt nor provider-services") || !strings.Contains(r.stderr, "nothing was sent") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Fatalf("unknown CLI: exit %d %q", r.code, r.stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "calls")); strings.TrimSpace(string(got)) != "version\nversion --long" {
		t.Fatalf("the unknown CLI was asked more than its version:\n%s", got)
	}
	// Signing flags without a local CLI are refused too.
	r = kubectlAkash(t, c, runOpts{}, "leases", "close", "--lease-namespace", leaseNS, "--owner", l.ID.Owner, "--dseq", "1", "--from", "closer")
	if r.code != 1 || !strings.Contains(r.stderr, "--from is for a local CLI") {
		t.Fatalf("--from without --via-cli: exit %d %q", r.code, r.stderr)
	}

	// Server dry run: akt's own --dry-run, nothing broadcast.
	r = kubectlAkash(t, c, runOpts{}, append(append([]string{}, base...), "--dry-run=server", "-o", "json")...).ok(t)
	if got := calls(); len(got) != 1 || !strings.HasPrefix(got[0], "tx market bid close --owner "+l.ID.Owner+" --dseq 9300001 --gseq 1 --oseq 1 --reason 10002 --dry-run --from "+l.ID.Provider) {
		t.Fatalf("server dry run calls: %q", got)
	}
	// The close, signed by a dedicated key in an akt context.
	r = kubectlAkash(t, c, runOpts{}, append(append([]string{}, base...), "--from", "closer", "--keyring-backend", "file", "--cli-context", "mainnet-closer", "--yes", "-o", "json")...).ok(t)
	got := closeList(t, r.stdout)[l.ID.DSeq]
	if got.Status.Actions[0].Result != execute.Succeeded || !strings.Contains(got.Status.Actions[0].Message, "at height 5150") {
		t.Fatalf("close: %+v", got.Status.Actions[0])
	}
	want := "tx market bid close --owner " + l.ID.Owner + " --dseq 9300001 --gseq 1 --oseq 1 --reason 10002 --from closer --keyring-backend file --context mainnet-closer --yes -o json"
	if all := calls(); len(all) != 2 || all[1] != want {
		t.Fatalf("akt calls:\n%s\nwant last: %s", strings.Join(all, "\n"), want)
	}
	if !strings.Contains(r.stderr+r.stdout, "akt") {
		t.Fatalf("the run does not say it used akt: %s", r.stderr)
	}
	// akt has contexts, provider-services has not: --cli-context with a
	// provider-services is refused before anything is sent.
	ps, psCalls := standIn(t)
	r = kubectlAkash(t, c, runOpts{}, "leases", "close", "--lease-namespace", leaseNS, "--owner", l.ID.Owner, "--dseq", fmt.Sprint(l.ID.DSeq), "--via-cli", ps, "--cli-context", "x", "--yes")
	if r.code != 1 || !strings.Contains(r.stderr, "--cli-context is akt's") || len(psCalls()) != 0 {
		t.Fatalf("--cli-context with provider-services: exit %d %q %v", r.code, r.stderr, psCalls())
	}
}

// TestDanglingViaAkt reads the chain with a local akt (positional queries),
// reports a reclaiming lease with its deadline and never tears it down,
// tears down a lease closed on chain, and closes an orphan's bid with akt
// (the chain's clock from a stand-in REST API on loopback).
func TestDanglingViaAkt(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	provider := fixture.Address(t.Name() + "/provider")
	mk := func(name string, dseq uint64) fixture.Lease {
		l := fixture.NewLease(t.Name()+"/"+name, dseq, fixture.Web("nginx:1.25"))
		l.ID.Provider = provider
		return l
	}
	running, reclaimingIn, closed := mk("running", 301), mk("reclaiming-in", 302), mk("closed", 303)
	orphanReclaiming, orphanWindow := mk("orphan-reclaiming", 304), mk("orphan-window", 305)
	seedLeases(t, c, leaseNS, []fixture.Lease{running, reclaimingIn, closed}, nil)

	deadline := time.Now().Add(20 * time.Hour).Unix()
	started := fmt.Sprintf(`{"window":"86400s","started_at":"25900000","deadline":"%d","reason":"lease_closed_decommission"}`, deadline)
	akt, dir, calls := standInAkt(t)
	writeJSON(t, filepath.Join(dir, "list-active.json"), `{"leases":[`+aktLease(running.ID, "active", "")+`,`+aktLease(orphanWindow.ID, "active", `{"window":"720h0m0s","started_at":"0","deadline":"0"}`)+`],"pagination":{"next_key":null,"total":"2"}}`)
	writeJSON(t, filepath.Join(dir, "list-reclaiming.json"), `{"leases":[`+aktLease(reclaimingIn.ID, "reclaiming", started)+`,`+aktLease(orphanReclaiming.ID, "reclaiming", started)+`],"pagination":{"next_key":null,"total":"2"}}`)
	writeJSON(t, filepath.Join(dir, "get-303.json"), aktLease(closed.ID, "closed", ""))

	base := []string{"dangling", "--lease-namespace", leaseNS, "--provider", provider, "--via-cli", akt}
	r := kubectlAkash(t, c, runOpts{}, append(append([]string{}, base...), "-o", "json")...)
	if r.code != 3 {
		t.Fatalf("findings must exit 3, got %d: %s", r.code, r.stderr)
	}
	got := danglingList(t, r.stdout)
	if len(got) != 3 {
		t.Fatalf("want closed, the reclaiming orphan and the windowed orphan; got %v", got)
	}
	if d := got[303]; d.Spec.Direction != dangling.InClusterNotOnChain || d.Spec.ChainState != "closed" || d.Spec.ClosedOn != 900 {
		t.Fatalf("closed: %+v", d.Spec)
	}
	if d := got[304]; d.Spec.ChainState != "reclaiming" || d.Spec.Reclamation == nil || d.Spec.Reclamation.Deadline == nil || d.Spec.Reclamation.Deadline.Unix() != deadline ||
		!strings.Contains(d.Status.Note, "reclaiming until") {
		t.Fatalf("reclaiming orphan: %+v %+v", d.Spec, d.Status)
	}
	if d := got[305]; !strings.Contains(d.Status.Note, "akt tx market bid start-reclaim --owner "+orphanWindow.ID.Owner+" --dseq 305 --gseq 1 --oseq 1") ||
		!strings.Contains(d.Status.Note, "provider-services tx market bid start-reclaim") {
		t.Fatalf("windowed orphan: %+v", d.Status)
	}
	if _, ok := got[302]; ok || !strings.Contains(r.stderr, "Lease "+reclaimingIn.ID.String()+" is reclaiming until") {
		t.Fatalf("the reclaiming lease in the cluster is not dangling, but its deadline is shown: %q", r.stderr)
	}
	table := kubectlAkash(t, c, runOpts{}, base...).stdout
	if !strings.Contains(table, "reclaiming until "+time.Unix(deadline, 0).UTC().Format("2006-01-02T15:04Z")) {
		t.Fatalf("the table lacks the deadline:\n%s", table)
	}
	for _, call := range calls() {
		if !strings.HasPrefix(call, "query market lease ") || strings.Contains(call, " list ") || strings.Contains(call, "--provider") {
			t.Fatalf("akt got a call that is not its own query: %q", call)
		}
	}
	wantList := "query market lease --by provider " + provider + " reclaiming --limit 1000 -o json"
	if all := strings.Join(calls(), "\n"); !strings.Contains(all, wantList) || !strings.Contains(all, "query market lease "+closed.ID.Owner+"/303/1/1/"+provider+" -o json") {
		t.Fatalf("akt queries:\n%s", all)
	}

	// --close, reading and signing with akt: the closed lease is torn down;
	// the reclaiming leases and the windowed orphan are left alone (no clock
	// through a CLI, and a close inside a window would be refused anyway).
	r = kubectlAkash(t, c, runOpts{}, append(append([]string{}, base...), "--close", "--yes", "--backup-dir", t.TempDir(), "-o", "json")...)
	if r.code != 0 {
		t.Fatalf("close: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if _, err := c.Dynamic().Resource(akash.ManifestGVR).Namespace(leaseNS).Get(t.Context(), closed.Namespace(), metav1.GetOptions{}); err == nil {
		t.Fatal("the closed lease's Manifest must be gone")
	}
	for _, l := range []fixture.Lease{running, reclaimingIn} {
		if _, err := c.Dynamic().Resource(akash.ManifestGVR).Namespace(leaseNS).Get(t.Context(), l.Namespace(), metav1.GetOptions{}); err != nil {
			t.Fatalf("%s must be untouched: %v", l.ID, err)
		}
		if ns, err := c.Kube().CoreV1().Namespaces().Get(t.Context(), l.Namespace(), metav1.GetOptions{}); err != nil || ns.DeletionTimestamp != nil {
			t.Fatalf("%s namespace must be untouched: %v", l.ID, err)
		}
	}
	for _, call := range calls() {
		if strings.HasPrefix(call, "tx ") {
			t.Fatalf("no bid may be closed here: %q", call)
		}
	}

	// With the chain's clock (--api on loopback) and akt signing, an old
	// orphan without reclamation gets its bid closed by akt.
	orphan := mk("orphan", 306)
	api := chainapi.Start(t, chainapi.Lease{ID: running.ID, State: "active", CreatedAt: 10}, chainapi.Lease{ID: reclaimingIn.ID, State: "reclaiming", CreatedAt: 11},
		chainapi.Lease{ID: orphan.ID, State: "active", CreatedAt: 12})
	r = kubectlAkash(t, c, runOpts{}, append(append([]string{}, base...), "--api", api.URL(), "--close", "--yes", "--block-time", "10ms", "--from", "closer", "-o", "json")...)
	if r.code != 0 {
		t.Fatalf("close with --api: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if a := danglingList(t, r.stdout)[306].Status.Actions; len(a) != 1 || a[0].Result != execute.Succeeded || !strings.Contains(a[0].Message, "at height 5150") {
		t.Fatalf("orphan bid close: %+v", a)
	}
	all := calls()
	if last := all[len(all)-1]; last != "tx market bid close --owner "+orphan.ID.Owner+" --dseq 306 --gseq 1 --oseq 1 --reason 10002 --from closer --yes -o json" {
		t.Fatalf("akt close call: %q (all: %v)", last, all)
	}
	if _, err := c.Kube().CoreV1().Namespaces().Get(t.Context(), reclaimingIn.Namespace(), metav1.GetOptions{}); err != nil {
		t.Fatalf("the reclaiming lease's namespace must stay: %v", err)
	}
}
