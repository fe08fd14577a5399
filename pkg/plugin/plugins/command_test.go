package plugins

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// TestAddTo: a valid entry becomes a command of the plugins group with the
// entry's help; an entry that takes a built-in command's name or alias is a
// warning and no command, never a replaced built-in.
func TestAddTo(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	entry := func(name string) string {
		return "- name: " + name + "\n  short: about " + name + "\n  resources: [{resource: pods}]\n  jq: '$pods.items[] | {name: .metadata.name}'\n  columns: [{name: NAME, path: .name}]\n"
	}
	root := &cobra.Command{Use: "tool"}
	builtin := &cobra.Command{Use: "leases", Aliases: []string{"lease"}, Run: func(*cobra.Command, []string) {}}
	root.AddCommand(builtin)
	var errOut bytes.Buffer
	var c Commands
	c.AddTo(root, &cli.Globals{Streams: genericiooptions.IOStreams{ErrOut: &errOut}}, []byte("plugins:\n"+entry("tenant-pods")+entry("lease")+entry("completion")), nil)
	if c.Check() != nil || len(c.Set.Entries) != 1 {
		t.Fatalf("%v, %d entries", c.Check(), len(c.Set.Entries))
	}
	got, _, err := root.Find([]string{"tenant-pods"})
	if err != nil || got.GroupID != Group || got.Short != "about tenant-pods" || !strings.HasSuffix(got.Long, "Defined in "+BuiltinSource+".") {
		t.Errorf("plugin command: %v %+v", err, got)
	}
	if found, _, _ := root.Find([]string{"lease"}); found != builtin {
		t.Error("a plugin entry took a built-in command's alias")
	}
	if n := strings.Count(errOut.String(), "warning: "); n != 2 || !strings.Contains(errOut.String(), "(skipped)") {
		t.Errorf("want two warnings, got:\n%s", errOut.String())
	}
}

// TestAddToSkipsForBuiltinCommands: a run of a built-in command reads no
// plugins.yaml (its commands cannot run), unless --plugins names one; the
// root's help, `plugins`, help and completion still see every entry.
func TestAddToSkipsForBuiltinCommands(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	file := t.TempDir() + "/plugins.yaml"
	if err := os.WriteFile(file, []byte("plugins:\n- name: mine\n  short: my own\n  resources: [{resource: pods}]\n  jq: '.'\n  columns: [{name: A, path: .a}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	builtin := []byte("plugins:\n- name: shipped\n  short: shipped one\n  resources: [{resource: pods}]\n  jq: '.'\n  columns: [{name: A, path: .a}]\n")
	for _, tc := range []struct {
		args []string
		want int // entries loaded
	}{
		{[]string{"leases", "list", "-o", "json"}, 0},
		{[]string{"--kubeconfig", "k", "leases", "list"}, 0},
		{[]string{"leases", "list", "--plugins", file}, 2},
		{[]string{"--plugins=" + file, "leases"}, 2},
		{nil, 1},
		{[]string{"--help"}, 1},
		{[]string{"plugins", "list"}, 1},
		{[]string{"help", "shipped"}, 1},
		{[]string{"shipped"}, 1},
		{[]string{"__complete", "leases", ""}, 1},
		{[]string{"no-such-command"}, 1},
	} {
		root := &cobra.Command{Use: "tool"}
		root.PersistentFlags().String("kubeconfig", "", "")
		root.PersistentFlags().String(FileFlag, "", "")
		leases := &cobra.Command{Use: "leases"}
		leases.AddCommand(&cobra.Command{Use: "list", Run: func(*cobra.Command, []string) {}})
		root.AddCommand(leases, &cobra.Command{Use: "plugins"})
		root.Commands()[1].AddCommand(&cobra.Command{Use: "list", Run: func(*cobra.Command, []string) {}})
		var c Commands
		var errOut bytes.Buffer
		c.AddTo(root, &cli.Globals{Streams: genericiooptions.IOStreams{ErrOut: &errOut}}, builtin, tc.args)
		if c.Check() != nil || len(c.Set.Entries) != tc.want {
			t.Errorf("%q: %v, %d entries loaded, want %d; %s", tc.args, c.Check(), len(c.Set.Entries), tc.want, errOut.String())
		}
	}
}
