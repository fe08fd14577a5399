package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
	"github.com/kubectl-akash/kubectl-akash/test/fixture"
)

// TestLeasesListSelectorsSortAndLabels: -l and --field-selector select on
// the leases themselves (their namespaces' labels, their fields), in memory,
// so the three LISTs stay three; --sort-by orders rows numerically by dseq;
// --show-labels shows the provider's labels.
func TestLeasesListSelectorsSortAndLabels(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "listflags-lease")
	a := fixture.NewLease(t.Name()+"/a", 1000, fixture.Web("nginx:1.25.3"))
	b := fixture.NewLease(t.Name()+"/b", 999, fixture.Web("nginx:1.25.3"))
	b2 := fixture.NewLease(t.Name()+"/b", 20, fixture.Web("redis:7"))
	seedLeases(t, c, leaseNS, []fixture.Lease{a, b, b2}, nil)
	base := []string{"leases", "list", "--lease-namespace", leaseNS}
	run := func(o runOpts, args ...string) result {
		return kubectlAkash(t, c, o, append(append([]string{}, base...), args...)...)
	}
	cfg, counter := c.CountingConfig()

	t.Run("label selector on the lease's labels, three LISTs", func(t *testing.T) {
		counter.Reset()
		ls := byNamespace(t, run(runOpts{config: cfg}, "-l", akash.LabelLeaseOwner+"="+b.ID.Owner, "-o", "json").ok(t).stdout)
		if len(ls) != 2 || ls[b.Namespace()].Name == "" || ls[b2.Namespace()].Name == "" {
			t.Fatalf("-l owner=b: %v", keys(ls))
		}
		if got, want := fmt.Sprint(counter.Counts()), fmt.Sprint(map[string]int{"LIST manifests": 1, "LIST namespaces": 1, "LIST pods": 1}); got != want {
			t.Fatalf("requests %s, want %s", got, want)
		}
		ls = byNamespace(t, run(runOpts{}, "-l", akash.LabelLeaseOwner+"="+b.ID.Owner+","+akash.LabelLeaseDSeq+" notin (20)", "-o", "json").ok(t).stdout)
		if len(ls) != 1 || ls[b.Namespace()].Name == "" {
			t.Fatalf("set-based -l: %v", keys(ls))
		}
	})
	t.Run("field selector on the result's fields", func(t *testing.T) {
		ls := byNamespace(t, run(runOpts{}, "--field-selector", "spec.leaseID.dseq=1000", "-o", "json").ok(t).stdout)
		if len(ls) != 1 || ls[a.Namespace()].Name == "" {
			t.Fatalf("--field-selector dseq: %v", keys(ls))
		}
		ls = byNamespace(t, run(runOpts{}, "--field-selector", "metadata.name!="+a.Namespace()+",spec.leaseID.owner="+a.ID.Owner, "-o", "json").ok(t).stdout)
		if len(ls) != 0 {
			t.Fatalf("nothing matches both: %v", keys(ls))
		}
		r := run(runOpts{}, "-l", "no-such-label=x")
		if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "No leases found.") {
			t.Fatalf("no match: %d %q %q", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("sort-by orders numbers written as strings by value", func(t *testing.T) {
		// Lease namespaces are cluster-wide: only this test's leases have
		// their Manifests in its lease namespace.
		run := func(o runOpts, args ...string) result {
			return kubectlAkash(t, c, o, append(append([]string{}, base...), append([]string{"--field-selector", "status.manifest=true"}, args...)...)...)
		}
		out := run(runOpts{}, "--sort-by", ".spec.leaseID.dseq", "-o", "jsonpath={.items[*].spec.leaseID.dseq}").ok(t).stdout
		if out != "20 999 1000" {
			t.Fatalf("-o jsonpath sorted: %q", out)
		}
		table := run(runOpts{}, "--sort-by", "{.spec.leaseID.dseq}", "--no-headers").ok(t).stdout
		var dseqs []string
		for _, line := range strings.Split(strings.TrimSpace(table), "\n") {
			dseqs = append(dseqs, strings.Fields(line)[1])
		}
		if strings.Join(dseqs, " ") != "20 999 1000" {
			t.Fatalf("table sorted: %v\n%s", dseqs, table)
		}
		jq := run(runOpts{}, "--sort-by", ".spec.leaseID.dseq", "--jq", ".items[0].spec.leaseID.dseq").ok(t).stdout
		if jq != "20\n" {
			t.Fatalf("--jq sorted: %q", jq)
		}
	})
	t.Run("show-labels", func(t *testing.T) {
		table := run(runOpts{}, "--show-labels", "-l", akash.LabelLeaseDSeq+"=1000").ok(t).stdout
		lines := strings.Split(strings.TrimSpace(table), "\n")
		if len(lines) != 2 || !strings.HasSuffix(strings.TrimSpace(lines[0]), "LABELS") ||
			!strings.Contains(lines[1], akash.LabelLeaseOwner+"="+a.ID.Owner) {
			t.Fatalf("--show-labels:\n%s", table)
		}
	})
	t.Run("bad selectors cost no API call", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"-l", "x in ("}, `-l/--selector "x in (" is not a label selector`},
			{[]string{"--field-selector", "spec~x"}, `--field-selector "spec~x" is not a field selector`},
			{[]string{"--sort-by", "{.spec["}, `--sort-by "{.spec["`},
			{[]string{"--chunk-size", "-1"}, "--chunk-size must be 0 or positive, got -1"},
		} {
			counter.Reset()
			r := run(runOpts{config: cfg}, tc.args...)
			if r.code != 1 || !strings.Contains(r.stderr, tc.want) || strings.Count(r.stderr, "\n") != 1 || len(counter.Counts()) != 0 {
				t.Errorf("%v: exit %d, stderr %q, requests %s", tc.args, r.code, r.stderr, counter)
			}
		}
	})
}

// TestPluginCommandSelectorsAndChunks: a plugin command ANDs -l and
// --field-selector to its resources' own selectors (the API server filters),
// pages with --chunk-size, and sorts its rows.
func TestPluginCommandSelectorsAndChunks(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "listflags-plugin")
	var ls []fixture.Lease
	for i := range 3 {
		ls = append(ls, fixture.NewLease(fmt.Sprintf("%s/%d", t.Name(), i), uint64(5000-i), fixture.Web("nginx:1.27.0")))
	}
	seedLeases(t, c, leaseNS, ls, nil)
	cfg, counter := c.CountingConfig()
	run := func(args ...string) result {
		counter.Reset()
		return kubectlAkash(t, c, runOpts{config: cfg}, append([]string{"lease-images", "--lease-namespace", leaseNS}, args...)...).ok(t)
	}
	l := decodeRows(t, run("-l", akash.LabelLeaseDSeq+"=4999", "-o", "json").stdout)
	if len(l.Items) != 1 || l.Items[0].Metadata.Name != ls[1].Namespace() {
		t.Fatalf("-l: %+v", l.Items)
	}
	l = decodeRows(t, run("--field-selector", "metadata.name="+ls[2].Namespace(), "-o", "json").stdout)
	if len(l.Items) != 1 || l.Items[0].Metadata.Name != ls[2].Namespace() {
		t.Fatalf("--field-selector: %+v", l.Items)
	}
	out := run("--chunk-size", "1", "--sort-by", ".spec.dseq", "-o", "jsonpath={.items[*].spec.dseq}").stdout
	if out != "4998 4999 5000" {
		t.Fatalf("--sort-by: %q", out)
	}
	if got := counter.Count("LIST manifests"); got != 3 {
		t.Fatalf("--chunk-size 1 over 3 Manifests: %d LISTs, want 3 (%s)", got, counter)
	}
}

// TestChunkSizeOnEveryListingCommand: manifests backup and dangling page
// their LISTs too (the flag was missing there).
func TestChunkSizeOnEveryListingCommand(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	leaseNS := c.Namespace(t, "listflags-chunk")
	seedLeases(t, c, leaseNS, []fixture.Lease{
		fixture.NewLease(t.Name()+"/0", 7000, fixture.Web("nginx")),
		fixture.NewLease(t.Name()+"/1", 7001, fixture.Web("nginx")),
	}, nil)
	cfg, counter := c.CountingConfig()
	dir := t.TempDir()
	kubectlAkash(t, c, runOpts{config: cfg}, "manifests", "backup", "--lease-namespace", leaseNS, "--backup-dir", dir, "--chunk-size", "1", "-o", "name").ok(t)
	if got := counter.Count("LIST manifests"); got != 2 {
		t.Fatalf("manifests backup --chunk-size 1 over 2 Manifests: %d LISTs (%s)", got, counter)
	}
	files, _ := os.ReadDir(dir)
	if len(files) != 1 {
		t.Fatalf("backup files %v", files)
	}
	r := kubectlAkash(t, c, runOpts{}, "dangling", "--lease-namespace", leaseNS, "--chunk-size", "-2")
	if r.code != 1 || !strings.Contains(r.stderr, "--chunk-size must be 0 or positive, got -2") {
		t.Fatalf("dangling --chunk-size -2: %d %q", r.code, r.stderr)
	}
	// certs check and renew list nodes: they take the flag, and check it
	// before any request.
	for _, args := range [][]string{{"certs", "check"}, {"certs", "renew", "--all-control-plane"}} {
		cfg, counter := c.CountingConfig()
		r := kubectlAkash(t, c, runOpts{config: cfg}, append(args, "--chunk-size", "-1")...)
		if r.code != 1 || !strings.Contains(r.stderr, "--chunk-size must be 0 or positive, got -1") || counter.Total() != 0 {
			t.Fatalf("%v --chunk-size -1: exit %d, %d requests, %q", args, r.code, counter.Total(), r.stderr)
		}
	}
}
