package fleet

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseConfig(t *testing.T) {
	cfg, problems := Parse("config.yaml", []byte(`
apiVersion: kubectl-akash.akash.network/v1alpha1
kind: Config
fleets:
- name: prod
  contexts:
  - eu-prod
  - context: us-prod
    leaseNamespace: lease
    providerNamespace: akash-services
    api: https://api.akash.example:443
    viaCLI: akt
    chainNode: https://rpc.akash.example:443
    chainID: akashnet-2
    cliContext: us
    from: provider-us
    keyringBackend: file
- name: lab
  contexts: [minikube]
`))
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	if got := cfg.Names(); !reflect.DeepEqual(got, []string{"prod", "lab"}) {
		t.Fatalf("fleets %v", got)
	}
	prod, _ := cfg.Fleet("prod")
	want := map[string]string{"lease-namespace": "lease", "provider-namespace": "akash-services", "api": "https://api.akash.example:443",
		"via-cli": "akt", "chain-node": "https://rpc.akash.example:443", "chain-id": "akashnet-2", "cli-context": "us",
		"from": "provider-us", "keyring-backend": "file"}
	if len(prod.Members) != 2 || prod.Members[0].Context != "eu-prod" || len(prod.Members[0].Flags) != 0 ||
		prod.Members[1].Context != "us-prod" || !reflect.DeepEqual(prod.Members[1].Flags, want) {
		t.Fatalf("prod: %+v", prod.Members)
	}
	if _, ok := cfg.Fleet("nope"); ok {
		t.Fatal("a fleet that is not defined was found")
	}
}

// TestConfigProblems: every problem names the file, the fleet and the field,
// as plugins.yaml problems do; a fleet with a problem is left out, the
// others kept.
func TestConfigProblems(t *testing.T) {
	for _, c := range []struct {
		name, yaml string
		want       []string
		kept       []string
	}{
		{"not YAML", "fleets: [", []string{"config.yaml: not valid YAML"}, nil},
		{"top level a list", "- a", []string{"config.yaml: want a mapping with a fleets: list at the top, got a list"}, nil},
		{"unknown top key", "fleet: []", []string{"config.yaml: fleet: unknown key (known: apiVersion, kind, fleets)"}, nil},
		{"wrong apiVersion", "apiVersion: v1\nfleets: []", []string{`config.yaml: apiVersion: want "kubectl-akash.akash.network/v1alpha1", got v1`}, nil},
		{"wrong kind", "kind: Plugins", []string{`config.yaml: kind: want "Config", got Plugins`}, nil},
		{"fleets not a list", "fleets: {a: b}", []string{"config.yaml: fleets: want a list of fleets, got a mapping"}, nil},
		{"empty file", "", nil, nil},
		{"a fleet not a mapping", "fleets: [prod]", []string{"config.yaml: fleets[0]: want a mapping with name: and contexts:, got a string"}, nil},
		{"bad fleet, good fleet", `
fleets:
- name: Prod_1
  contexts: [a]
- name: lab
  contexts: [b]`, []string{`config.yaml: fleet "Prod_1" (fleets[0]): name: Prod_1 is not a fleet name: use lower-case letters, digits and dashes`}, []string{"lab"}},
		{"missing name and contexts", "fleets:\n- {}", []string{
			"config.yaml: fleets[0]: name: missing: every fleet needs the name --fleet takes",
			"config.yaml: fleets[0]: contexts: want a list of at least one kubeconfig context"}, nil},
		{"unknown fleet key", "fleets:\n- name: p\n  contexts: [a]\n  parallel: 3", []string{`config.yaml: fleet "p" (fleets[0]): parallel: unknown key (known: name, contexts)`}, nil},
		{"duplicate fleet", "fleets:\n- name: p\n  contexts: [a]\n- name: p\n  contexts: [b]", []string{`config.yaml: fleet "p" (fleets[1]): name: duplicate name: fleets[0] already defines "p"`}, []string{"p"}},
		{"context entries", `
fleets:
- name: p
  contexts:
  - ""
  - 7
  - {leaseNamespace: lease}
  - context: a
    leaseNamespace: Lease_NS
    providerNamespace: ""
    api: ftp://x
    from: 12
    sshKey: k
  - a`, []string{
			`config.yaml: fleet "p" (fleets[0]): contexts[0]: an empty context name`,
			`config.yaml: fleet "p" (fleets[0]): contexts[1]: want a context name or a mapping with context:, got a number`,
			`config.yaml: fleet "p" (fleets[0]): contexts[2].context: missing: the kubeconfig context's name`,
			`config.yaml: fleet "p" (fleets[0]): contexts[3].sshKey: unknown key (known: context, leaseNamespace, providerNamespace, api, viaCLI, chainNode, chainID, cliContext, from, keyringBackend)`,
			`config.yaml: fleet "p" (fleets[0]): contexts[3].leaseNamespace: "Lease_NS" is not a namespace name`,
			`config.yaml: fleet "p" (fleets[0]): contexts[3].providerNamespace: empty: leave the key out for the --provider-namespace default`,
			`config.yaml: fleet "p" (fleets[0]): contexts[3].api: "ftp://x" is not a chain REST API address: want https://host[:port]`,
			`config.yaml: fleet "p" (fleets[0]): contexts[3].from: want a string, got a number`,
			`config.yaml: fleet "p" (fleets[0]): contexts[4].context: duplicate context "a": contexts[3] already names it`,
		}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, problems := Parse("config.yaml", []byte(c.yaml))
			if len(problems) != len(c.want) {
				t.Fatalf("%d problems, want %d:\n%v", len(problems), len(c.want), problems)
			}
			for i, p := range problems {
				if !strings.HasPrefix(p.Error(), c.want[i]) {
					t.Errorf("problem %d:\n got %s\nwant %s", i, p.Error(), c.want[i])
				}
			}
			if got := cfg.Names(); !reflect.DeepEqual(got, c.kept) {
				t.Errorf("fleets kept: %v, want %v", got, c.kept)
			}
		})
	}
}

func TestDefaultPath(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	if got := DefaultPath(); got != filepath.Join(dir, "kubectl-akash", "config.yaml") {
		t.Fatalf("DefaultPath() = %q", got)
	}
}
