package plugins

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// valid is a complete entry that each validation case breaks in one place.
const valid = `
apiVersion: kubectl-akash.akash.network/v1alpha1
kind: Plugins
plugins:
- name: images
  short: Images per lease
  resources:
  - var: m
    resource: manifests.akash.network
    scope: lease
    labelSelector: akash.network=true
  jq: '[$m.items[] | {name: .metadata.name}]'
  columns:
  - {name: NAME, path: .name}
  - {name: SEEN, path: .name, wide: true}
`

func TestParseValid(t *testing.T) {
	entries, problems := Parse("f.yaml", []byte(valid), nil)
	if len(problems) > 0 || len(entries) != 1 {
		t.Fatalf("entries %d, problems %v", len(entries), problems)
	}
	e := entries[0]
	if e.Kind != "Images" || e.Resources[0].Var != "m" || e.Resources[0].Scope != ScopeLease || !e.Columns[1].Wide || e.Source != "f.yaml" {
		t.Fatalf("entry %+v", e)
	}
}

func TestParseProblems(t *testing.T) {
	entry := func(body string) string {
		return "plugins:\n- name: x\n  short: s\n" + body
	}
	rest := "  resources: [{resource: pods}]\n  jq: '.'\n  columns: [{name: A, path: .a}]\n"
	cases := []struct {
		name, yaml, want string
	}{
		{"not yaml", "plugins: [", `f.yaml: not valid YAML`},
		{"top level list", "- a", "f.yaml: want a mapping with a plugins: list at the top, got a list"},
		{"unknown top key", "plugin: []", `f.yaml: plugin: unknown key`},
		{"wrong apiVersion", "apiVersion: v1\nplugins: []", `f.yaml: apiVersion: want "kubectl-akash.akash.network/v1alpha1", got v1`},
		{"plugins not a list", "plugins: {}", "f.yaml: plugins: want a list of entries, got a mapping"},
		{"entry not a mapping", "plugins: [x]", "f.yaml: plugins[0]: want a mapping, got a string"},
		{"unknown entry key", entry("  colums: []\n" + rest), `f.yaml: plugin "x" (plugins[0]): colums: unknown key (known: name, short, long, example, kind, resources, jq, columns)`},
		{"missing name", "plugins:\n- short: s\n" + rest, "f.yaml: plugins[0]: name: missing"},
		{"bad name", "plugins:\n- name: Bad_Name\n  short: s\n" + rest, "name: Bad_Name is not a command name"},
		{"builtin clash", "plugins:\n- name: leases\n  short: s\n" + rest, `name: "leases" is a built-in command of kubectl akash`},
		{"alias clash", "plugins:\n- name: rs\n  short: s\n" + rest, `name: "rs" is a built-in command`},
		{"duplicate", "plugins:\n- name: x\n  short: s\n" + rest + "- name: x\n  short: t\n" + rest, `f.yaml: plugin "x" (plugins[1]): name: duplicate name: plugins[0] already defines "x"`},
		{"missing short", "plugins:\n- name: x\n" + rest, `plugin "x" (plugins[0]): short: missing`},
		{"short not a string", "plugins:\n- name: x\n  short: [a]\n" + rest, "short: want a string, got a list"},
		{"bad kind", entry("  kind: lower\n" + rest), `kind: "lower" is not a kind`},
		{"no resources", entry("  jq: '.'\n  columns: [{name: A, path: .a}]\n"), "resources: want a list of at least one resource"},
		{"unknown resource key", entry("  resources: [{resource: pods, labels: x}]\n  jq: '.'\n  columns: [{name: A, path: .a}]\n"), "resources[0].labels: unknown key (known: var, resource, scope, namespace, labelSelector, fieldSelector)"},
		{"missing resource", entry("  resources: [{var: p}]\n  jq: '.'\n  columns: [{name: A, path: .a}]\n"), "resources[0].resource: missing"},
		{"bad resource name", entry("  resources: [{resource: 'apps/v1/deployments'}]\n  jq: '.'\n  columns: [{name: A, path: .a}]\n"), `resources[0].resource: "apps/v1/deployments" is not a resource name`},
		{"bad var", entry("  resources: [{resource: pods, var: 'my-pods'}]\n  jq: '.'\n  columns: [{name: A, path: .a}]\n"), `resources[0].var: "my-pods" is not a jq variable name`},
		{"reserved var", entry("  resources: [{resource: pods, var: now}]\n  jq: '.'\n  columns: [{name: A, path: .a}]\n"), "resources[0].var: $now is reserved"},
		{"duplicate var", entry("  resources: [{resource: pods}, {resource: pods.v1}]\n  jq: '.'\n  columns: [{name: A, path: .a}]\n"), "resources[1].var: duplicate variable $pods: resources[0] already binds it"},
		{"bad scope", entry("  resources: [{resource: pods, scope: cluster}]\n  jq: '.'\n  columns: [{name: A, path: .a}]\n"), `resources[0].scope: "cluster" is not a scope`},
		{"namespace with scope all", entry("  resources: [{resource: pods, scope: all, namespace: x}]\n  jq: '.'\n  columns: [{name: A, path: .a}]\n"), "resources[0].namespace: only with scope: namespace"},
		{"bad namespace", entry("  resources: [{resource: pods, namespace: Not_OK}]\n  jq: '.'\n  columns: [{name: A, path: .a}]\n"), `resources[0].namespace: "Not_OK" is not a namespace name`},
		{"scope namespace without one", entry("  resources: [{resource: pods, scope: namespace}]\n  jq: '.'\n  columns: [{name: A, path: .a}]\n"), "resources[0].namespace: missing"},
		{"bad label selector", entry("  resources: [{resource: pods, labelSelector: 'a in (b'}]\n  jq: '.'\n  columns: [{name: A, path: .a}]\n"), "resources[0].labelSelector: not a label selector"},
		{"bad field selector", entry("  resources: [{resource: pods, fieldSelector: 'a'}]\n  jq: '.'\n  columns: [{name: A, path: .a}]\n"), "resources[0].fieldSelector: not a field selector"},
		{"jq missing", entry("  resources: [{resource: pods}]\n  columns: [{name: A, path: .a}]\n"), "jq: missing"},
		{"jq does not parse", entry("  resources: [{resource: pods}]\n  jq: '[$pods.items[] | {a: .x}'\n  columns: [{name: A, path: .a}]\n"), "jq: jq does not parse at line 1, column"},
		{"jq unknown variable", entry("  resources: [{resource: pods}]\n  jq: '$nodes.items'\n  columns: [{name: A, path: .a}]\n"), "jq: jq does not compile: variable not defined: $nodes"},
		{"jq unknown function", entry("  resources: [{resource: pods}]\n  jq: 'nosuch(1)'\n  columns: [{name: A, path: .a}]\n"), "jq: jq does not compile: function not defined: nosuch/1"},
		{"no columns", entry("  resources: [{resource: pods}]\n  jq: '.'\n"), "columns: want a list of at least one column"},
		{"unknown column key", entry("  resources: [{resource: pods}]\n  jq: '.'\n  columns: [{name: A, path: .a, width: 3}]\n"), "columns[0].width: unknown key (known: name, path, wide)"},
		{"lower-case column", entry("  resources: [{resource: pods}]\n  jq: '.'\n  columns: [{name: a, path: .a}]\n"), `columns[0].name: "a" is not a column header`},
		{"column path missing", entry("  resources: [{resource: pods}]\n  jq: '.'\n  columns: [{name: A}]\n"), "columns[0].path: missing"},
		{"column path bad", entry("  resources: [{resource: pods}]\n  jq: '.'\n  columns: [{name: A, path: '.a |'}]\n"), "columns[0].path: jq does not parse"},
		{"column wide not bool", entry("  resources: [{resource: pods}]\n  jq: '.'\n  columns: [{name: A, path: .a, wide: yes please}]\n"), "columns[0].wide: want true or false"},
		{"duplicate column", entry("  resources: [{resource: pods}]\n  jq: '.'\n  columns: [{name: A, path: .a}, {name: A, path: .b}]\n"), `columns[1].name: duplicate column "A"`},
	}
	reserved := map[string]bool{"leases": true, "rs": true}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			entries, problems := Parse("f.yaml", []byte(c.yaml), reserved)
			var msgs []string
			for _, p := range problems {
				msgs = append(msgs, p.Error())
			}
			all := strings.Join(msgs, "\n")
			if !strings.Contains(all, c.want) {
				t.Fatalf("problems:\n%s\nwant one containing %q", all, c.want)
			}
			for _, e := range entries {
				if e.Name == "x" && !strings.Contains(c.name, "duplicate") {
					t.Fatalf("the broken entry was kept: %+v", e)
				}
			}
		})
	}
}

// TestBadEntryKeepsTheOthers: one broken entry costs only itself.
func TestBadEntryKeepsTheOthers(t *testing.T) {
	y := valid + `
- name: broken
  short: s
  resources: [{resource: pods}]
  jq: '$nope'
  columns: [{name: A, path: .a}]
`
	entries, problems := Parse("f.yaml", []byte(y), nil)
	if len(entries) != 1 || entries[0].Name != "images" || len(problems) != 1 || problems[0].Entry != "broken" || problems[0].Field != "jq" {
		t.Fatalf("entries %v problems %v", entries, problems)
	}
}

func TestEmptyFileIsFine(t *testing.T) {
	for _, y := range []string{"", "# only a comment\n", "plugins: []\n"} {
		entries, problems := Parse("f.yaml", []byte(y), nil)
		if len(entries) != 0 || len(problems) != 0 {
			t.Fatalf("%q: %v %v", y, entries, problems)
		}
	}
}

// TestShippedPluginsAreValid loads the repository's plugins.yaml.
func TestShippedPluginsAreValid(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "plugins.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	entries, problems := Parse("plugins.yaml", data, nil)
	for _, p := range problems {
		t.Error(p)
	}
	want := []string{"deployment-commands", "lease-images", "lease-pods-unhealthy", "lease-gpus", "tenant-leases"}
	if len(entries) != len(want) {
		t.Fatalf("%d entries, want %d", len(entries), len(want))
	}
	for i, e := range entries {
		if e.Name != want[i] {
			t.Errorf("entry %d is %s, want %s", i, e.Name, want[i])
		}
	}
}

func TestMergeOverridesByName(t *testing.T) {
	a := []*Entry{{Name: "b", Source: "built-in"}, {Name: "a", Source: "built-in"}}
	b := []*Entry{{Name: "b", Source: "user"}, {Name: "c", Source: "user"}}
	got := Merge(a, b)
	if len(got) != 3 || got[0].Name != "a" || got[1].Source != "user" || got[2].Name != "c" {
		t.Fatalf("%+v", got)
	}
}
