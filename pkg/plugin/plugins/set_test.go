package plugins

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFileFromArgs(t *testing.T) {
	for _, c := range []struct {
		args     []string
		path     string
		explicit bool
	}{
		{nil, "", false},
		{[]string{"leases", "--plugins", "a.yaml"}, "a.yaml", true},
		{[]string{"--plugins=b.yaml", "leases"}, "b.yaml", true},
		{[]string{"leases", "--", "--plugins=c.yaml"}, "", false},
		{[]string{"leases", "--plugins"}, "", false},
	} {
		path, explicit := FileFromArgs(c.args)
		if path != c.path || explicit != c.explicit {
			t.Errorf("%q: %q %v, want %q %v", c.args, path, explicit, c.path, c.explicit)
		}
	}
}

// TestLoad: a --plugins file that cannot be read fails the command; the
// default file's problems only cost its entries; a user entry replaces the
// built-in one of the same name.
func TestLoad(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	entry := func(name, short string) string {
		return "- name: " + name + "\n  short: " + short + "\n  resources: [{resource: pods}]\n  jq: '$pods.items[] | {name: .metadata.name}'\n  columns: [{name: NAME, path: .name}]\n"
	}
	builtin := []byte("plugins:\n" + entry("a", "built in"))
	missing := filepath.Join(t.TempDir(), "none.yaml")
	set, err := Load("builtin", builtin, []string{"--plugins", missing}, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "--plugins "+missing+": cannot read it: ") || len(set.Entries) != 1 {
		t.Fatalf("explicit missing file: %v, %d entries", err, len(set.Entries))
	}
	if set, err = Load("builtin", builtin, nil, nil); err != nil || set.UserFile != "" || len(set.Problems) != 0 {
		t.Fatalf("no user file: %v %+v", err, set)
	}
	user := filepath.Join(t.TempDir(), "p.yaml")
	data := "plugins:\n" + entry("a", "mine") + "- name: b\n  nope: 1\n"
	if err := os.WriteFile(user, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	set, err = Load("builtin", builtin, []string{"--plugins=" + user}, nil)
	if err != nil || set.UserFile != user || len(set.Problems) != 5 || strings.Join(set.Names(), ",") != "a" || set.Entries[0].Short != "mine" {
		t.Fatalf("user file: %v %+v", err, set)
	}
	if got := set.Complete("", nil); len(got) != 1 || got[0] != "a\tmine" {
		t.Errorf("Complete: %q", got)
	}
}
