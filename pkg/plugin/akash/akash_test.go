package akash

import (
	"math"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// The one exact pair published in the provider docs.
const (
	realLease     = "akash1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3c9h/8438017/1/1/akash1nxq8gmsw2vlz3m68qvyvcf3kh6q269ajvqw6y0"
	realNamespace = "5reb3l87s85t50v77sosktvdeeg6pfbnlboigoprqv3d4"
)

func TestNamespaceOfRealLease(t *testing.T) {
	id, err := ParseLeaseID(realLease)
	if err != nil {
		t.Fatal(err)
	}
	if got := id.Namespace(); got != realNamespace {
		t.Fatalf("Namespace() = %q, want %q", got, realNamespace)
	}
	if len(realNamespace) != 45 {
		t.Fatalf("namespace length %d, want 45", len(realNamespace))
	}
}

func TestNamespaceIgnoresBSeq(t *testing.T) {
	id, err := ParseLeaseID(realLease + "/7")
	if err != nil {
		t.Fatal(err)
	}
	if id.Namespace() != realNamespace {
		t.Fatalf("bseq changed the namespace: %s", id.Namespace())
	}
}

func TestLeaseIDRoundTrip(t *testing.T) {
	ids := []LeaseID{
		{Owner: "akash1aaa", DSeq: 1, GSeq: 1, OSeq: 1, Provider: "akash1ppp"},
		{Owner: "akash1bbb", DSeq: 18446744073709551615, GSeq: 3, OSeq: 2, Provider: "akash1ppp"},
	}
	seen := map[string]bool{}
	for _, id := range ids {
		back, err := ParseLeaseID(id.String())
		if err != nil || back != id {
			t.Fatalf("round trip %v -> %q -> %v, %v", id, id.String(), back, err)
		}
		ns := id.Namespace()
		if len(ns) != 45 || seen[ns] {
			t.Fatalf("namespace %q: bad length or collision", ns)
		}
		seen[ns] = true
		lb, ok := LeaseIDFromLabels(LeaseLabels(id))
		if !ok || lb != id {
			t.Fatalf("labels round trip %v -> %v", id, lb)
		}
	}
}

func TestParseLeaseIDErrors(t *testing.T) {
	for _, in := range []string{"", "a/b", "o/x/1/1/p", "o/1/1/1/", "/1/1/1/p", "o/0/1/1/p", "o/1/0/1/p", "o/-1/1/1/p", "o/1/1/1/p/x/y"} {
		if _, err := ParseLeaseID(in); err == nil {
			t.Errorf("ParseLeaseID(%q) succeeded, want an error", in)
		}
	}
}

func TestLeaseIDFromLabelsMissing(t *testing.T) {
	if _, ok := LeaseIDFromLabels(map[string]string{LabelManaged: "true", LabelManifestService: "web"}); ok {
		t.Fatal("workload labels have no lease ID")
	}
}

const manifestYAML = `
apiVersion: akash.network/v2beta2
kind: Manifest
metadata:
  name: 5reb3l87s85t50v77sosktvdeeg6pfbnlboigoprqv3d4
  namespace: lease
spec:
  lease_id: {owner: akash1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3c9h, dseq: "8438017", gseq: 1, oseq: 1, provider: akash1nxq8gmsw2vlz3m68qvyvcf3kh6q269ajvqw6y0}
  group:
    name: dcloud
    services:
    - name: db
      image: postgres:16
      count: 1
      resources: {id: 1, cpu: {units: 500}, memory: {size: "536870912"}, storage: [{name: default, size: "1073741824"}]}
    - name: web
      image: ghcr.io/acme/web:1.2.3
      command: ["/bin/sh", "-c"]
      args: ["exec web"]
      env: ["A=1"]
      count: 2.0
      resources: {id: 1, cpu: {units: 1000}, gpu: {units: 1, attributes: [{key: vendor/nvidia/model/t4, value: "true"}]}, memory: {size: "1073741824"}}
      expose: [{port: 80, external_port: 80, proto: TCP, service: "", global: true, hosts: [a.example]}]
      scheduler_params: {runtime_class: nvidia, tee_type: none}
`

func TestDecodeManifest(t *testing.T) {
	raw, err := yaml.YAMLToJSON([]byte(manifestYAML))
	if err != nil {
		t.Fatal(err)
	}
	m, err := DecodeManifest(raw)
	if err != nil {
		t.Fatal(err)
	}
	id, ok := m.LeaseID()
	if !ok || id.String() != realLease || id.Namespace() != m.Name {
		t.Fatalf("lease %v ok=%v", id, ok)
	}
	i, ok := m.ServiceIndex("web")
	if !ok || i != 1 {
		t.Fatalf("ServiceIndex(web) = %d, %v", i, ok)
	}
	web := m.Spec.Group.Services[i]
	if web.Count != 2 || web.Resources.CPU.Units != 1000 || web.Resources.GPU.Units != 1 || web.Resources.Memory.Size != 1<<30 || len(web.Command) != 2 {
		t.Fatalf("web decoded wrong: %+v", web)
	}
	if _, ok := m.ServiceIndex("nope"); ok {
		t.Fatal("found a service that does not exist")
	}
}

func TestManifestBadDSeq(t *testing.T) {
	raw := `{"metadata": {"name": "x", "namespace": "lease"}, "spec": {"lease_id": {"dseq": "twelve"}}}`
	if _, err := DecodeManifest([]byte(raw)); err == nil {
		t.Fatal("want an error for a non-numeric dseq")
	}
}

func TestUintDecoding(t *testing.T) {
	for in, want := range map[string]Uint{`12`: 12, `12.0`: 12, `"12"`: 12, `null`: 0, `"18446744073709551615"`: 18446744073709551615} {
		var u Uint
		if err := u.UnmarshalJSON([]byte(in)); err != nil || u != want {
			t.Errorf("%s -> %d, %v; want %d", in, u, err, want)
		}
	}
	for _, in := range []string{`-1`, `1.5`, `"x"`, `true`} {
		var u Uint
		if err := u.UnmarshalJSON([]byte(in)); err == nil {
			t.Errorf("%s decoded, want an error", in)
		}
	}
}

// TestManifestLeaseIDRange checks that a gseq beyond 32 bits is refused,
// not cut down to another lease's number.
func TestManifestLeaseIDRange(t *testing.T) {
	id := ManifestLeaseID{Owner: "a", DSeq: 5, GSeq: 1 << 32, OSeq: 1, Provider: "p"}
	if got, err := id.LeaseID(); err == nil {
		t.Fatalf("gseq 2^32 became %v", got)
	}
	id.GSeq = 1<<32 - 1
	if got, err := id.LeaseID(); err != nil || got.GSeq != 1<<32-1 {
		t.Fatalf("gseq 2^32-1: %v, %v", got, err)
	}
}

func TestParseLeaseIDRanges(t *testing.T) {
	id, err := ParseLeaseID("o/18446744073709551615/4294967295/1/p")
	if err != nil || id.DSeq != math.MaxUint64 || id.GSeq != math.MaxUint32 {
		t.Fatalf("the largest sequences must parse exactly: %+v %v", id, err)
	}
	for in, want := range map[string]string{
		"o/18446744073709551616/1/1/p": "dseq 18446744073709551616 is out of range: at most 18446744073709551615",
		"o/1/4294967296/1/p":           "gseq 4294967296 is out of range: at most 4294967295",
		"o/1/1/x/p":                    `oseq "x" is not an unsigned integer`,
	} {
		if _, err := ParseLeaseID(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
}
