package leaseclose

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

var (
	alice    = akash.EncodeAddress([]byte("alice-alice-alice-al"))
	bob      = akash.EncodeAddress([]byte("bob-bob-bob-bob-bob-"))
	provider = akash.EncodeAddress([]byte("provider-provider-pr"))
	other    = akash.EncodeAddress([]byte("other-provider-other"))
	l1       = akash.LeaseID{Owner: alice, DSeq: 8438017, GSeq: 1, OSeq: 1, Provider: provider}
	l2       = akash.LeaseID{Owner: bob, DSeq: 9200455, GSeq: 2, OSeq: 3, Provider: provider}
)

func read(t *testing.T, in string) ([]akash.LeaseID, error) {
	t.Helper()
	got, err := ReadInput(strings.NewReader(in), "-")
	if d := got.DroppedLeases(); len(d) > 0 {
		t.Errorf("dropped %+v", d)
	}
	return got.IDs(), err
}

func TestReadLeaseIDsShapes(t *testing.T) {
	leaseList := fmt.Sprintf(`{"apiVersion":"kubectl-akash.akash.network/v1alpha1","kind":"LeaseList","metadata":{},"items":[
		{"kind":"Lease","metadata":{"name":"x"},"spec":{"leaseID":{"owner":%q,"dseq":"8438017","gseq":1,"oseq":1,"provider":%q},"services":[{"name":"web","image":"nginx"}]}},
		{"kind":"Lease","metadata":{"name":"y"},"spec":{"leaseID":{"owner":%q,"dseq":"9200455","gseq":2,"oseq":3,"provider":%q}}}]}`, alice, provider, bob, provider)
	yamlList := fmt.Sprintf("apiVersion: kubectl-akash.akash.network/v1alpha1\nkind: LeaseList\nitems:\n- spec:\n    leaseID:\n      owner: %s\n      dseq: \"8438017\"\n      gseq: 1\n      oseq: 1\n      provider: %s\n- spec:\n    leaseID: {owner: %s, dseq: 9200455, gseq: 2, oseq: 3, provider: %s}\n", alice, provider, bob, provider)
	// A chain REST answer (v1beta5: lease.id with bseq) and a Manifest CR (spec.lease_id).
	chainAPI := fmt.Sprintf(`{"leases":[{"lease":{"id":{"owner":%q,"dseq":"8438017","gseq":1,"oseq":1,"provider":%q,"bseq":0},"state":"active"}},{"lease":{"id":{"owner":%q,"dseq":"9200455","gseq":2,"oseq":3,"provider":%q,"bseq":0}}}],"pagination":{"next_key":null}}`, alice, provider, bob, provider)
	manifests := fmt.Sprintf("apiVersion: akash.network/v2beta2\nkind: Manifest\nspec:\n  lease_id: {owner: %s, dseq: '8438017', gseq: 1, oseq: 1, provider: %s}\n---\napiVersion: akash.network/v2beta2\nkind: Manifest\nspec:\n  lease_id: {owner: %s, dseq: '9200455', gseq: 2, oseq: 3, provider: %s}\n", alice, provider, bob, provider)
	plainList := fmt.Sprintf(`[{"owner":%q,"dseq":8438017,"gseq":1,"oseq":1,"provider":%q},%q]`, alice, provider, l2.String())
	lines := "# from --jq\n" + l1.String() + "\n\n" + l2.String() + "\n" + l1.String() + "\n"
	quoted := fmt.Sprintf("%q\n%q\n", l1.String(), l2.String()) // not YAML: lines
	for name, in := range map[string]string{"LeaseList json": leaseList, "LeaseList yaml": yamlList, "chain api": chainAPI, "manifest stream": manifests, "plain list": plainList, "lines": lines, "quoted lines": quoted} {
		ids, err := read(t, in)
		if err != nil || len(ids) != 2 || ids[0] != l1 || ids[1] != l2 {
			t.Errorf("%s: ids %v err %v", name, ids, err)
		}
	}
}

func TestReadLeaseIDsEmptyLists(t *testing.T) {
	for _, in := range []string{`{"apiVersion":"kubectl-akash.akash.network/v1alpha1","kind":"LeaseList","metadata":{},"items":[]}`, "[]", "kind: LeaseList\nitems: []\n"} {
		ids, err := read(t, in)
		if err != nil || len(ids) != 0 {
			t.Errorf("%q: %v %v", in, ids, err)
		}
	}
}

func TestReadLeaseIDsRefuses(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"empty":          {"  \n", "the input is empty"},
		"not a list":     {`{"kind":"Status","status":"Failure"}`, "no lease IDs found"},
		"text":           {"hello world\n", "line 1 is not a lease ID"},
		"bad dseq":       {fmt.Sprintf(`{"items":[{"spec":{"leaseID":{"owner":%q,"dseq":"12x","gseq":1,"oseq":1,"provider":%q}}}]}`, alice, provider), "$.items[0].spec.leaseID: malformed lease ID"},
		"zero gseq":      {fmt.Sprintf(`[{"owner":%q,"dseq":5,"gseq":0,"oseq":1,"provider":%q}]`, alice, provider), "gseq and oseq start at 1"},
		"bad address":    {`[{"owner":"akash1notanaddress","dseq":5,"gseq":1,"oseq":1,"provider":"akash1x"}]`, "is not a bech32 address"},
		"one bad line":   {l1.String() + "\nakash1x/abc/1/1/" + provider + "\n", `line 2 is not a lease ID`},
		"bad in a list":  {fmt.Sprintf(`[%q, "nope"]`, l1.String()), "$[1]"},
		"partial object": {fmt.Sprintf(`{"items":[{"spec":{"leaseID":{"owner":%q,"dseq":"1"}}}]}`, alice), "no lease IDs found"},
		"a bad document": {fmt.Sprintf("owner: %s\ndseq: 5\ngseq: 1\noseq: 1\nprovider: %s\n---\nbad: [unclosed\n", alice, provider), "YAML document 2 is not valid YAML: yaml: line 7:"},
		// The parser's line numbers count from the top of the input, blank lines included: line 4 opens the unclosed mapping.
		"broken yaml":           {fmt.Sprintf("\n# leases\nitems:\n- leaseID: {owner: %s, dseq: 5\n    gseq: 1\n", alice), "-f -: not valid YAML (yaml: line 4: did not find expected ',' or '}')"},
		"yaml, then a bad line": {l1.String() + "\nkey: [\n", "line 2 is not a lease ID"},
	}
	for name, c := range cases {
		ids, err := read(t, c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "-f -: ") {
			t.Errorf("%s: ids %v err %v, want %q", name, ids, err, c.want)
		}
	}
}

func manifest(id akash.LeaseID, images ...string) *akash.Manifest {
	m := &akash.Manifest{Name: id.Namespace(), Namespace: "lease"}
	m.Spec.LeaseID = akash.ManifestLeaseID{Owner: id.Owner, DSeq: akash.Uint(id.DSeq), GSeq: akash.Uint(id.GSeq), OSeq: akash.Uint(id.OSeq), Provider: id.Provider}
	for i, img := range images {
		m.Spec.Group.Services = append(m.Spec.Group.Services, akash.ManifestService{Name: fmt.Sprintf("svc%d", i), Image: img})
	}
	return m
}

func TestByImage(t *testing.T) {
	l3 := akash.LeaseID{Owner: alice, DSeq: 100, GSeq: 1, OSeq: 2, Provider: provider}
	renamed := manifest(akash.LeaseID{Owner: alice, DSeq: 5, GSeq: 1, OSeq: 1, Provider: provider}, "xmrig/xmrig")
	renamed.Name = "not-its-namespace"
	ms := []*akash.Manifest{
		manifest(l2, "postgres:16", "docker.io/XMRig/xmrig:6.21.0"),
		manifest(l1, "ghcr.io/acme/web:1", "redis:7"),
		manifest(l3, "registry.example.com:5000/team/miner:latest"),
		renamed,
	}
	f := ImageFilter{Images: []*regexp.Regexp{regexp.MustCompile("(?i)xmrig/"), regexp.MustCompile("(?i):5000/.*miner")}, ExcludeOwners: []string{bob}}
	items, errs := ByImage(ms, f, 10002)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "not closed") {
		t.Fatalf("errs %v", errs)
	}
	if len(items) != 2 || items[0].Spec.LeaseID != l3 || items[1].Spec.LeaseID != l2 {
		t.Fatalf("items %+v", items)
	}
	if m := items[1].Spec.Matches; len(m) != 1 || m[0].Service != "svc1" || m[0].Image != "docker.io/XMRig/xmrig:6.21.0" || m[0].Pattern != "xmrig/" {
		t.Fatalf("matches %+v", m)
	}
	if a := items[1].Status.Actions[0]; a.Result != execute.Skipped || !strings.Contains(a.Message, "--exclude-owner") {
		t.Fatalf("excluded owner must be Skipped: %+v", a)
	}
	if a := items[0].Status.Actions[0]; a.Result != execute.Planned || a.Verb != "close-bid" || a.Target.String() != "bids.market.akash.network/"+l3.String() {
		t.Fatalf("action %+v (%s)", a, a.Target)
	}
	tbl := renderTable(t, items)
	for _, want := range []string{"svc0=registry.example.com:5000/team/miner:latest", "Planned", "Skipped", "owner protected by --exclude-owner", l3.Namespace()} {
		if !strings.Contains(tbl, want) {
			t.Errorf("table lacks %q:\n%s", want, tbl)
		}
	}
}

func TestByIDAndProviders(t *testing.T) {
	items := ByID([]akash.LeaseID{l2, l1}, map[string]*akash.Manifest{l1.Namespace(): manifest(l1, "nginx:1.25")}, 0)
	if len(items) != 2 || items[0].Status.Manifest || !items[1].Status.Manifest || items[1].Spec.Services[0].Image != "nginx:1.25" {
		t.Fatalf("%+v", items)
	}
	if err := CheckOneProvider(items); err != nil {
		t.Fatal(err)
	}
	foreign := l1
	foreign.Provider = other
	if err := CheckOneProvider(ByID([]akash.LeaseID{l1, foreign}, nil, 0)); err == nil || !strings.Contains(err.Error(), "2 providers") {
		t.Fatalf("two providers: %v", err)
	}
	b, _ := json.Marshal(List(items))
	back, err := read(t, string(b))
	if err != nil || len(back) != 2 || back[0] != l2 {
		t.Fatalf("LeaseClose output must pipe into -f again: %v %v", back, err)
	}
	if tbl := renderTable(t, items); !strings.Contains(tbl, "<no Manifest in cluster>") || !strings.Contains(tbl, "svc0=nginx:1.25") {
		t.Fatalf("table:\n%s", tbl)
	}
}

func renderTable(t *testing.T, items []LeaseClose) string {
	t.Helper()
	f := output.NewFlags()
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	if err := f.PrintTable(&sb, func() *output.Table { return Table(items) }); err != nil {
		t.Fatal(err)
	}
	return sb.String()
}
