package usage

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestLongDescKeepsTheTextAsWritten(t *testing.T) {
	got := LongDesc(`
		Reads price_target_* from <release>.

		    indented stays indented
		and ` + "`backticks`" + ` stay.`)
	want := "Reads price_target_* from <release>.\n\n    indented stays indented\nand `backticks` stay."
	if got != want {
		t.Errorf("LongDesc = %q, want %q", got, want)
	}
	if LongDesc("") != "" {
		t.Error(`LongDesc("") is not ""`)
	}
}

func TestExamplesIndent(t *testing.T) {
	if got, want := Examples("\n\t\t# list\n\t\tkubectl akash leases list"), "  # list\n  kubectl akash leases list"; got != want {
		t.Errorf("Examples = %q, want %q", got, want)
	}
}

// tree is a root with a persistent flag, a group with a persistent flag of
// its own, and two commands, one in a help group.
func tree() (root, group, check, other *cobra.Command) {
	run := func(*cobra.Command, []string) {}
	root = &cobra.Command{Use: "tool", Run: run}
	root.PersistentFlags().String("kubeconfig", "", "Path to the kubeconfig.")
	root.AddGroup(&cobra.Group{ID: "nodes", Title: "Nodes:"})
	group = &cobra.Command{Use: "node-debug", Short: "Node checks", GroupID: "nodes", Run: run,
		Annotations: map[string]string{GroupAnnotation: "true"}}
	group.PersistentFlags().String("image", "", "Debug pod image.")
	check = &cobra.Command{Use: "zombies [NODE...]", Short: "Find zombies", Aliases: []string{"z"}, Example: "  tool node-debug zombies", Run: run,
		DisableFlagsInUseLine: true}
	check.Flags().Bool("all", false, "Every node.")
	check.Flags().Bool("secret", false, "Hidden.")
	_ = check.Flags().MarkHidden("secret")
	other = &cobra.Command{Use: "version", Short: "Print the version", Run: run}
	group.AddCommand(check)
	root.AddCommand(group, other)
	return root, group, check, other
}

func write(root, c *cobra.Command) string {
	var b bytes.Buffer
	Write(&b, root, c, "options")
	return b.String()
}

func TestWriteLeavesRootFlagsToTheOptionsCommand(t *testing.T) {
	root, _, check, _ := tree()
	got := write(root, check)
	for _, want := range []string{
		"Usage:\n  tool node-debug zombies [NODE...] [options]\n",
		"Aliases:\n  zombies, z\n",
		"Examples:\n  tool node-debug zombies\n",
		"Flags:\n      --all   Every node.\n",
		"Flags of tool node-debug:\n      --image string   Debug pod image.\n",
		"Use \"tool options\" for a list of global command-line options (applies to all commands).\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("usage lacks %q:\n%s", want, got)
		}
	}
	for _, bad := range []string{"kubeconfig", "secret", "[command]"} {
		if strings.Contains(got, bad) {
			t.Errorf("usage shows %q:\n%s", bad, got)
		}
	}
}

func TestWriteGroupsSubcommands(t *testing.T) {
	root, group, _, _ := tree()
	got := write(root, root)
	// The root's persistent flags are left out even of its own usage.
	want := "Usage:\n  tool\n  tool [command]\n\nNodes:\n  node-debug  Node checks\n\nAdditional Commands:\n  version     Print the version\n\nUse \"tool [command] --help\""
	if !strings.HasPrefix(got, want) {
		t.Errorf("root usage =\n%s\nwant it to start with\n%s", got, want)
	}
	// A group command has no usage line of its own, only "[command]".
	got = write(root, group)
	if !strings.HasPrefix(got, "Usage:\n  tool node-debug [command]\n\nAvailable Commands:\n  zombies     Find zombies\n\nFlags:\n      --image string   Debug pod image.\n") {
		t.Errorf("group usage =\n%s", got)
	}
}
