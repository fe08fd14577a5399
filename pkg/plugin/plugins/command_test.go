package plugins

import (
	"bytes"
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
