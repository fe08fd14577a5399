package fleet

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestDecide: the selection resolved for a command, or refused in one
// sentence before anything is read; problems of the config file's other
// fleets are warnings, also beside a refusal.
func TestDecide(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	if err := os.MkdirAll(filepath.Join(dir, "kubectl-akash"), 0o755); err != nil {
		t.Fatal(err)
	}
	config := "fleets:\n- {name: prod, contexts: [{context: a, leaseNamespace: lease-a}, b]}\n- {name: lab, bogus: 1}\n"
	if err := os.WriteFile(filepath.Join(dir, "kubectl-akash", "config.yaml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	known := func() ([]string, error) { return []string{"a", "b", "c"}, nil }
	inv := func(path string) Invocation {
		return Invocation{Path: strings.Fields(path), Flags: pflag.NewFlagSet(path, pflag.ContinueOnError)}
	}
	for _, c := range []struct {
		sel      Selection
		path     string
		members  string
		warnings int
		want     string
	}{
		{Selection{All: true}, "leases list", "a b c", 0, ""},
		{Selection{Contexts: []string{"^b"}}, "leases list", "a c", 0, ""},
		{Selection{Fleet: "prod"}, "leases list", "a b", 2, ""}, // lab: an unknown key, no contexts
		{Selection{Fleet: "prod", Contexts: []string{"b"}}, "leases close", "b", 2, ""},
		{Selection{Fleet: "prod", Contexts: []string{"c"}}, "leases list", "", 0, "--contexts c: fleet \"prod\" has no context \"c\""},
		{Selection{Fleet: "prod"}, "leases close", "", 2, "leases close closes leases, one cluster at a time: pick the context with --context NAME (not --contexts, --all-contexts or --fleet)"},
		{Selection{Fleet: "lab"}, "leases list", "", 0, "--fleet lab: "},
		{Selection{All: true}, "version", "", 0, "version reads no cluster: drop --contexts, --all-contexts and --fleet"},
	} {
		plan, err := c.sel.Decide(inv(c.path), known)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if c.want == "" && got != "" || c.want != "" && !strings.HasPrefix(got, c.want) {
			t.Errorf("%+v %s: error %q, want %q", c.sel, c.path, got, c.want)
			continue
		}
		var names []string
		warnings := 0
		if plan != nil {
			for _, m := range plan.Members {
				names = append(names, m.Context)
			}
			warnings = len(plan.Warnings)
			for _, w := range plan.Warnings {
				if !strings.Contains(w, `fleet "lab"`) || !strings.HasSuffix(w, "(that fleet is skipped)") {
					t.Errorf("warning %q", w)
				}
			}
		}
		if strings.Join(names, " ") != c.members || warnings != c.warnings {
			t.Errorf("%+v %s: members %v, %d warning(s); want %q, %d", c.sel, c.path, names, warnings, c.members, c.warnings)
		}
	}
}
