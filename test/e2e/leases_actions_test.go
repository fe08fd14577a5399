package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/leaseclose"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// The chain side of these tests is a stand-in provider-services: a shell
// script that appends its arguments to DIR/calls and answers like the real
// CLI (a Cosmos SDK TxResponse with --output json). Particular dseqs make it
// answer like the chain does in the cases the plugin handles specially.
// The same script runs as a local process (--via-cli) and, on a real node,
// inside a pod labelled app=akash-provider (the exec path).
const (
	dseqReclaim   = 666 // refused: reclamation window has not elapsed
	dseqMismatch  = 777 // account sequence mismatch on the first broadcast
	dseqSync      = 888 // sync broadcast (height 0): committed per `query tx`
	standInHeight = 4242
)

// providerServicesVersion is the start of every provider-services
// stand-in: it answers `version` and `version --long` as the real CLI does
// (its name only in the long form), so --via-cli detects it, and records
// nothing for them.
const providerServicesVersion = `case "$*" in
"version") echo "v0.10.0"; exit 0 ;;
"version --long") printf 'name: provider-services\nserver_name: provider-services\nversion: v0.10.0\ncommit: 0000000\n'; exit 0 ;;
esac
`

func standInScript(dir string) string {
	return `#!/bin/sh
D=` + dir + `
` + providerServicesVersion + `echo "$*" >>"$D/calls"
n=$(wc -l <"$D/calls" | tr -d ' ')
if [ "$1 $2" = "query tx" ]; then
  printf '{"height":"%d","txhash":"%s","codespace":"","code":0,"raw_log":"[]"}\n' ` + fmt.Sprint(standInHeight) + ` "$3"
  exit 0
fi
case " $* " in
*" --dry-run "*) echo "gas estimate: 87654" >&2; exit 0 ;;
*" --dseq ` + fmt.Sprint(dseqReclaim) + ` "*)
  echo 'Error: rpc error: code = Unknown desc = failed to execute message; message index: 0: reclamation window has not elapsed: invalid request' >&2
  exit 1 ;;
*" --dseq ` + fmt.Sprint(dseqMismatch) + ` "*)
  if [ ! -e "$D/mismatched" ]; then
    : >"$D/mismatched"
    printf '{"height":"0","txhash":"%064d","codespace":"sdk","code":32,"raw_log":"account sequence mismatch, expected %d, got %d: incorrect account sequence"}\n' "$n" "$((n + 1))" "$n"
    exit 0
  fi ;;
*" --dseq ` + fmt.Sprint(dseqSync) + ` "*)
  printf '{"height":"0","txhash":"%064d","codespace":"","code":0,"raw_log":""}\n' "$n"
  exit 0 ;;
esac
printf '{"height":"%d","txhash":"%064d","codespace":"","code":0,"raw_log":"[]","gas_wanted":"200000","gas_used":"81234"}\n' "$((1000 + n))" "$n"
`
}

// standIn writes the script into a fresh directory and returns its path
// and a function returning the calls it recorded so far.
func standIn(t *testing.T) (string, func() []string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "provider-services")
	if err := os.WriteFile(path, []byte(standInScript(dir)), 0o755); err != nil {
		t.Fatal(err)
	}
	return path, func() []string {
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

// closeList decodes a LeaseCloseList and indexes it by dseq.
func closeList(t *testing.T, out string) map[uint64]leaseclose.LeaseClose {
	t.Helper()
	m := map[uint64]leaseclose.LeaseClose{}
	for _, it := range listItems[leaseclose.LeaseClose](t, "LeaseCloseList", out, "") {
		m[it.Spec.LeaseID.DSeq] = it
	}
	return m
}

// closeCall is the bid close the stand-in must have seen for a lease.
func closeCall(id akash.LeaseID) string {
	return fmt.Sprintf("tx market bid close --owner %s --dseq %d --gseq %d --oseq %d --reason 10002 --yes --output json", id.Owner, id.DSeq, id.GSeq, id.OSeq)
}

// actionLeases seeds the leases of the lease-action tests: two miners (one a
// multi-service lease with gseq/oseq 2/3), a tenant protected by
// --exclude-owner, a clean multi-service lease, and a miner the stand-in
// answers in sync mode.
type actionLeases struct {
	minerA, minerB, friend, clean, sync fixture.Lease
}

func seedActionLeases(t *testing.T, c *cluster.Cluster, leaseNS string) actionLeases {
	t.Helper()
	web := fixture.Service{Name: "web", Image: "ghcr.io/acme/web:1.4.2", Count: 2, CPU: 250, Memory: 256 << 20}
	var l actionLeases
	l.minerA = fixture.NewLease(t.Name()+"/miner-a", 9200455, web, fixture.Service{Name: "app", Image: "docker.io/XMRig/xmrig:6.21.0", Count: 1, CPU: 4000, Memory: 1 << 30})
	l.minerA.ID.GSeq, l.minerA.ID.OSeq = 2, 3
	l.minerB = fixture.NewLease(t.Name()+"/miner-b", dseqMismatch, fixture.Service{Name: "worker", Image: "registry.example.com:5000/pool/MINER:latest", Count: 1, CPU: 1000, Memory: 64 << 20})
	l.friend = fixture.NewLease(t.Name()+"/friend", 555, fixture.Service{Name: "bench", Image: "xmrig/xmrig:6.20", Count: 1, CPU: 100, Memory: 64 << 20})
	l.clean = fixture.NewLease(t.Name()+"/clean", 8438017, web, fixture.Service{Name: "db", Image: "postgres:16.4", Count: 1, CPU: 200, Memory: 256 << 20, Stateful: true})
	l.sync = fixture.NewLease(t.Name()+"/sync", dseqSync, fixture.Service{Name: "gpu", Image: "ghcr.io/ollama/ollama:0.3.12-xmrig", Count: 1, CPU: 2000, Memory: 8 << 30, GPU: 1})
	all := []fixture.Lease{l.minerA, l.minerB, l.friend, l.clean, l.sync}
	opts := make([]fixture.Options, len(all))
	for i := range opts {
		opts[i] = fixture.Options{NoWorkloads: true}
	}
	seedLeases(t, c, leaseNS, all, opts)
	return l
}

func TestLeasesKillImage(t *testing.T) {
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	l := seedActionLeases(t, c, leaseNS)
	script, calls := standIn(t)
	base := []string{"leases", "kill-image", "--lease-namespace", leaseNS, "--via-cli", script, "--block-time", "50ms",
		"--image", "xmrig", "--image", `:5000/.*/miner`, "--exclude-owner", l.friend.ID.Owner}

	t.Run("client dry run prints the exact commands and runs nothing", func(t *testing.T) {
		r := kubectlAkash(t, c, runOpts{}, append(base, "--dry-run=client")...).ok(t)
		for _, ls := range []fixture.Lease{l.minerA, l.minerB, l.sync} {
			if want := "would run: " + script + " " + closeCall(ls.ID); !strings.Contains(r.stdout, want) {
				t.Errorf("missing %q in:\n%s", want, r.stdout)
			}
		}
		for _, want := range []string{"app=docker.io/XMRig/xmrig:6.21.0", "worker=registry.example.com:5000/pool/MINER:latest", "Skipped", "owner protected by --exclude-owner", l.minerA.Namespace()} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("table lacks %q:\n%s", want, r.stdout)
			}
		}
		if strings.Contains(r.stdout, l.clean.Namespace()) || strings.Contains(r.stdout, "web=") {
			t.Errorf("only matching leases and services belong in the plan:\n%s", r.stdout)
		}
		if got := calls(); got != nil {
			t.Fatalf("a client dry run ran %v", got)
		}
	})
	t.Run("without a terminal it refuses", func(t *testing.T) {
		r := kubectlAkash(t, c, runOpts{}, base...)
		if r.code != 1 || !strings.Contains(r.stderr, "pass --yes") || !strings.Contains(r.stdout, "Plan:") || calls() != nil {
			t.Fatalf("exit %d\n%s\n%s\ncalls %v", r.code, r.stdout, r.stderr, calls())
		}
	})
	t.Run("server dry run simulates each close", func(t *testing.T) {
		r := kubectlAkash(t, c, runOpts{}, append(base, "--dry-run=server", "-o", "json")...).ok(t)
		got := closeList(t, r.stdout)
		for _, ls := range []fixture.Lease{l.minerA, l.minerB, l.sync} {
			a := got[ls.ID.DSeq].Status.Actions[0]
			if a.Result != "DryRun" || !strings.Contains(a.Message, "gas estimate 87654") {
				t.Errorf("%s: %+v", ls, a)
			}
		}
		cs := calls()
		if len(cs) != 3 {
			t.Fatalf("want 3 simulations, got %v", cs)
		}
		for _, call := range cs {
			if !strings.HasSuffix(call, "--reason 10002 --dry-run --from "+fixture.Provider) {
				t.Errorf("simulation %q", call)
			}
		}
		if err := os.Remove(filepath.Join(filepath.Dir(script), "calls")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("yes closes each matching lease, one transaction at a time", func(t *testing.T) {
		cfg, counter := c.CountingConfig()
		r := kubectlAkash(t, c, runOpts{config: cfg}, append(base, "--yes", "-o", "json")...).ok(t)
		if got := counter.Counts(); fmt.Sprint(got) != fmt.Sprint(map[string]int{"LIST manifests": 1}) {
			t.Errorf("API calls %v, want one LIST of Manifests", got)
		}
		got := closeList(t, r.stdout)
		if len(got) != 4 {
			t.Fatalf("want 3 closes and 1 skipped, got %v", got)
		}
		a := got[l.minerA.ID.DSeq]
		if a.Status.Actions[0].Result != "Succeeded" || a.Status.Transaction.Height == 0 || a.Status.Transaction.TxHash == "" || a.Spec.LeaseID != l.minerA.ID {
			t.Errorf("miner A: %+v %+v", a.Status.Actions[0], a.Status.Transaction)
		}
		b := got[l.minerB.ID.DSeq]
		if b.Status.Actions[0].Result != "Succeeded" || b.Status.Transaction.Attempts != 2 {
			t.Errorf("miner B must succeed on the second attempt after a sequence mismatch: %+v %+v", b.Status.Actions[0], b.Status.Transaction)
		}
		s := got[l.sync.ID.DSeq]
		if s.Status.Actions[0].Result != "Succeeded" || s.Status.Transaction.Height != standInHeight {
			t.Errorf("sync-mode lease must be confirmed by query tx: %+v %+v", s.Status.Actions[0], s.Status.Transaction)
		}
		if f := got[l.friend.ID.DSeq]; f.Status.Actions[0].Result != "Skipped" || f.Status.Transaction != nil {
			t.Errorf("protected tenant: %+v", f.Status)
		}
		// Sorted by owner then dseq: the stand-in saw them strictly in turn,
		// the retry right after the mismatch, the commit query right after
		// its broadcast.
		var want []string
		order := map[string][]string{
			l.minerA.ID.Owner: {closeCall(l.minerA.ID)},
			l.minerB.ID.Owner: {closeCall(l.minerB.ID), closeCall(l.minerB.ID)},
			l.sync.ID.Owner:   {closeCall(l.sync.ID), "query tx " + s.Status.Transaction.TxHash + " --output json"},
		}
		for _, it := range closeListOrder(t, r.stdout) {
			want = append(want, order[it]...)
		}
		if got := calls(); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("calls\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// closeListOrder returns the owners of the items in output order.
func closeListOrder(t *testing.T, out string) []string {
	t.Helper()
	var owners []string
	for _, it := range listItems[leaseclose.LeaseClose](t, "LeaseCloseList", out, "") {
		owners = append(owners, it.Spec.LeaseID.Owner)
	}
	return owners
}

func TestLeasesCloseFromPipe(t *testing.T) {
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	l := seedActionLeases(t, c, leaseNS)
	reclaim := fixture.NewLease(t.Name()+"/reclaim", dseqReclaim, fixture.Service{Name: "app", Image: "xmrig/xmrig:latest", Count: 1, CPU: 100, Memory: 64 << 20})
	seedLeases(t, c, leaseNS, []fixture.Lease{reclaim}, []fixture.Options{{NoWorkloads: true}})
	script, calls := standIn(t)

	list := kubectlAkash(t, c, runOpts{}, "leases", "list", "--lease-namespace", leaseNS, "--image", "XMRIG/", "-o", "json").ok(t)
	r := kubectlAkash(t, c, runOpts{stdin: list.stdout}, "leases", "close", "-f", "-", "--lease-namespace", leaseNS, "--via-cli", script, "--block-time", "50ms", "--yes")
	// minerA, friend and reclaim run an image matching XMRIG/.
	if r.code != 1 || !strings.Contains(r.stderr, "1 of 3 planned actions failed") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"reclamation window that has not elapsed", fmt.Sprintf("bid start-reclaim --owner %s --dseq %d --gseq 1 --oseq 1", reclaim.ID.Owner, dseqReclaim), "Succeeded"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	want := map[string]bool{closeCall(l.minerA.ID): true, closeCall(l.friend.ID): true, closeCall(reclaim.ID): true}
	got := calls()
	if len(got) != 3 {
		t.Fatalf("calls %v", got)
	}
	for _, call := range got {
		if !want[call] {
			t.Errorf("unexpected call %q", call)
		}
	}

	t.Run("one lease by flags, provider from its Manifest", func(t *testing.T) {
		r := kubectlAkash(t, c, runOpts{}, "leases", "close", "--lease-namespace", leaseNS, "--via-cli", script, "--owner", l.minerA.ID.Owner, "--dseq", "9200455", "--gseq", "2", "--oseq", "3", "--dry-run=client", "-o", "wide").ok(t)
		for _, want := range []string{"DryRun", "web=ghcr.io/acme/web:1.4.2,app=docker.io/XMRig/xmrig:6.21.0", fixture.Provider, closeCall(l.minerA.ID)} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("lacks %q:\n%s", want, r.stdout)
			}
		}
	})
	t.Run("a lease the cluster does not run needs --provider", func(t *testing.T) {
		before := len(calls())
		r := kubectlAkash(t, c, runOpts{}, "leases", "close", "--lease-namespace", leaseNS, "--via-cli", script, "--owner", l.minerA.ID.Owner, "--dseq", "9200455", "--yes")
		if r.code != 1 || !strings.Contains(r.stderr, "has no Manifest in namespace "+leaseNS+": check --dseq/--gseq/--oseq, or pass --provider") || len(calls()) != before {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		r = kubectlAkash(t, c, runOpts{}, "leases", "close", "--lease-namespace", leaseNS, "--via-cli", script, "--owner", l.minerA.ID.Owner, "--dseq", "31337", "--provider", fixture.Provider, "--block-time", "50ms", "--yes").ok(t)
		if !strings.Contains(r.stdout, "<no Manifest in cluster>") || !strings.Contains(r.stdout, "Succeeded") {
			t.Fatalf("%s", r.stdout)
		}
	})
	t.Run("an empty lease list closes nothing and succeeds", func(t *testing.T) {
		before := len(calls())
		empty := kubectlAkash(t, c, runOpts{}, "leases", "list", "--lease-namespace", leaseNS, "--image", "no-such-image", "-o", "json").ok(t)
		r := kubectlAkash(t, c, runOpts{stdin: empty.stdout}, "leases", "close", "-f", "-", "--lease-namespace", leaseNS, "--via-cli", script, "--yes").ok(t)
		if !strings.Contains(r.stderr, "nothing to close") || len(calls()) != before {
			t.Fatalf("%q %q", r.stdout, r.stderr)
		}
	})
}

func TestLeasesActionsBadInput(t *testing.T) {
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	l := seedActionLeases(t, c, leaseNS)
	script, calls := standIn(t)
	other := fixture.Address("another provider")
	twoProviders := fmt.Sprintf("%s\n%s/1/1/1/%s\n", l.minerA.ID, l.minerA.ID.Owner, other)
	notAFile := filepath.Join(t.TempDir(), "missing.json")
	cases := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"invalid regex", "", []string{"leases", "kill-image", "--image", "(xmrig"}, `--image "(xmrig" is not a valid regular expression`},
		{"no image", "", []string{"leases", "kill-image"}, "--image is required"},
		{"empty image", "", []string{"leases", "kill-image", "--image", ""}, "--image needs a regular expression"},
		{"match-all image", "", []string{"leases", "kill-image", "--image", "xmrig|"}, `matches every image (it matches the empty string): refusing`},
		{"bad exclude-owner", "", []string{"leases", "kill-image", "--image", "x", "--exclude-owner", "akash1nope"}, "--exclude-owner: \"akash1nope\" is not a bech32 address"},
		{"not a lease list", `{"kind":"Status","apiVersion":"v1","status":"Failure"}`, []string{"leases", "close", "-f", "-"}, "-f -: no lease IDs found"},
		{"malformed lease", `{"items":[{"spec":{"leaseID":{"owner":"` + l.minerA.ID.Owner + `","dseq":"9x","gseq":1,"oseq":1,"provider":"` + fixture.Provider + `"}}}]}`, []string{"leases", "close", "-f", "-"}, "malformed lease ID"},
		{"empty stdin", "", []string{"leases", "close", "-f", "-"}, "the input is empty"},
		{"missing file", "", []string{"leases", "close", "-f", notAFile}, "no such file"},
		{"two providers", twoProviders, []string{"leases", "close", "-f", "-"}, "the leases belong to 2 providers"},
		{"both ways", "", []string{"leases", "close", "-f", "-", "--owner", l.minerA.ID.Owner}, "-f and --owner/--dseq/--gseq/--oseq/--provider name leases two ways"},
		{"nothing named", "", []string{"leases", "close"}, "name the lease to close with --owner and --dseq"},
		{"bad owner", "", []string{"leases", "close", "--owner", "akash1abc", "--dseq", "5"}, `--owner: "akash1abc" is not a bech32 address`},
		{"gseq 0", "", []string{"leases", "close", "--owner", l.minerA.ID.Owner, "--dseq", "5", "--gseq", "0"}, "--gseq and --oseq start at 1"},
		{"reason out of range", "", []string{"leases", "close", "--owner", l.minerA.ID.Owner, "--dseq", "5", "--reason", "3"}, "--reason 3: providers close with a reason in 10000-19999"},
		{"bad schedule", "", []string{"leases", "kill-image", "--image", "xmrig", "--schedule", "*/5 * * *"}, `--schedule "*/5 * * *": expected exactly 5 fields, found 4`},
		{"schedule and via-cli", "", []string{"leases", "kill-image", "--image", "xmrig", "--schedule", "*/5 * * * *", "--via-cli", "/bin/sh"}, "--via-cli (a local binary and key) cannot be scheduled"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{}, tc.args...), "--lease-namespace", leaseNS, "--yes", "--block-time", "50ms")
			if joined := strings.Join(tc.args, " "); !strings.Contains(joined, "--via-cli") && !strings.Contains(joined, "--schedule") {
				args = append(args, "--via-cli", script)
			}
			r := kubectlAkash(t, c, runOpts{stdin: tc.stdin}, args...)
			if r.code != 1 || !strings.Contains(r.stderr, tc.want) || strings.Count(r.stderr, "\n") != 1 {
				t.Fatalf("want exit 1 and one sentence with %q, got %d:\n%s\n%s", tc.want, r.code, r.stderr, r.stdout)
			}
			if got := calls(); got != nil {
				t.Fatalf("bad input ran %v", got)
			}
		})
	}
}

// providerPod creates a pod labelled like the akash-provider StatefulSet's.
func providerPod(t *testing.T, c *cluster.Cluster, ns, name, node string) *corev1.Pod {
	t.Helper()
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": "akash-provider", "app.kubernetes.io/name": "provider", "app.kubernetes.io/instance": "akash-provider"}},
		Spec: corev1.PodSpec{
			NodeName:    node,
			Tolerations: []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
			Containers:  []corev1.Container{{Name: "provider", Image: "ghcr.io/akash-network/provider:0.6.10", Command: []string{"provider-services", "run"}}},
		},
	}
	p, err := c.Kube().CoreV1().Pods(ns).Create(t.Context(), p, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLeasesCloseProviderPodChecks(t *testing.T) {
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "lease")
	provNS := c.Namespace(t, "akash-services")
	seedActionLeases(t, c, leaseNS)
	args := []string{"leases", "kill-image", "--image", "xmrig", "--lease-namespace", leaseNS, "--provider-namespace", provNS, "--yes"}

	r := kubectlAkash(t, c, runOpts{}, args...)
	if r.code != 1 || !strings.Contains(r.stderr, "no akash-provider pod (label app=akash-provider) in namespace "+provNS+": nothing was attempted") || r.stdout != "" {
		t.Fatalf("no pod: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// Bound to a node that does not exist: it stays Pending, never Ready.
	providerPod(t, c, provNS, "akash-provider-0", "no-such-node")
	cfg, counter := c.CountingConfig()
	r = kubectlAkash(t, c, runOpts{config: cfg}, append(args, "--dry-run=client")...)
	if r.code != 1 || !strings.Contains(r.stderr, "no Ready akash-provider pod in namespace "+provNS+" (akash-provider-0 is not Ready (phase Pending") || r.stdout != "" {
		t.Fatalf("not ready: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if got := counter.Counts(); fmt.Sprint(got) != fmt.Sprint(map[string]int{"LIST manifests": 1, "LIST pods": 1}) {
		t.Fatalf("API calls %v: nothing but the two LISTs may happen", got)
	}
	// Nothing matched: no provider pod is needed and nothing fails.
	r = kubectlAkash(t, c, runOpts{}, "leases", "kill-image", "--image", "no-such-image", "--lease-namespace", leaseNS, "--provider-namespace", provNS, "--yes").ok(t)
	if !strings.Contains(r.stderr, "No lease runs a matching image.") {
		t.Fatalf("%q", r.stderr)
	}
}

// TestLeasesCloseRealExec runs the default path end to end: the stand-in
// provider-services in a pod labelled app=akash-provider on the real node,
// reached through the exec API (WebSocket, SPDY fallback).
func TestLeasesCloseRealExec(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t) // exec needs a kubelet
	leaseNS := c.Namespace(t, "lease")
	provNS := c.Namespace(t, "akash-services")
	l := seedActionLeases(t, c, leaseNS)
	standInProviderPod(t, c, provNS, node, standInScript("/tmp"), corev1.EnvVar{Name: "AKASH_FROM", Value: "provider"})
	args := []string{"leases", "close", "--lease-namespace", leaseNS, "--provider-namespace", provNS, "--block-time", "100ms",
		"--owner", l.minerB.ID.Owner, "--dseq", fmt.Sprint(dseqMismatch)}

	r := kubectlAkash(t, c, runOpts{}, append(args, "--dry-run=client")...).ok(t)
	if want := "kubectl --namespace " + provNS + " exec akash-provider-0 --container provider -- provider-services " + closeCall(l.minerB.ID); !strings.Contains(r.stdout, want) {
		t.Fatalf("dry run lacks %q:\n%s", want, r.stdout)
	}
	r = kubectlAkash(t, c, runOpts{}, append(args, "--yes", "-o", "json")...).ok(t)
	got := closeList(t, r.stdout)[dseqMismatch]
	if got.Status.Actions[0].Result != "Succeeded" || got.Status.Transaction.Attempts != 2 || got.Status.Transaction.Height == 0 {
		t.Fatalf("%+v %+v", got.Status.Actions[0], got.Status.Transaction)
	}
	// Read what the stand-in recorded, through the same exec path.
	clients := c.RESTConfig()
	pr := &chain.PodRunner{Config: clients, Kube: c.Kube(), Namespace: provNS, Pod: "akash-provider-0", Container: "provider"}
	out, err := pr.Run(t.Context(), []string{"cat", "/tmp/calls"})
	if err != nil || out.ExitCode != 0 {
		t.Fatalf("%v %+v", err, out)
	}
	if want := closeCall(l.minerB.ID) + "\n" + closeCall(l.minerB.ID) + "\n"; out.Stdout != want {
		t.Fatalf("calls in the pod\n%s\nwant\n%s", out.Stdout, want)
	}
	if out, err := pr.Run(t.Context(), []string{"sh", "-c", "exit 7"}); err != nil || out.ExitCode != 7 {
		t.Fatalf("exit codes must come back: %v %+v", err, out)
	}
}
