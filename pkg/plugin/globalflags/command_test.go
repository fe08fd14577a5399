package globalflags

import (
	"testing"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// TestCheckReadsTheGlobalFlagsOnly: the global -n is checked, a command's
// own -n is not, and -A contradicts -n only where it means "every
// namespace".
func TestCheckReadsTheGlobalFlagsOnly(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"nothing", []string{"list"}, ""},
		{"global -n", []string{"list", "-n", "Bad"}, `-n "Bad" is not a namespace name: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`},
		{"own -n", []string{"zombies", "-n", "Bad"}, ""},
		{"-A and -n", []string{"list", "-A", "-n", "a"}, "-A/--all-namespaces and -n/--namespace contradict each other: pass one of them"},
		{"own -A and -n", []string{"zombies", "-A"}, ""},
		{"timeout", []string{"list", "--request-timeout", "soon"}, `--request-timeout "soon": want a duration such as 30s or 2m, or a whole number of seconds (0: no timeout)`},
	} {
		g := &cli.Globals{ConfigFlags: genericclioptions.NewConfigFlags(false), LeaseNamespace: "lease", ProviderNamespace: "akash-services"}
		root := &cobra.Command{Use: "tool"}
		g.ConfigFlags.AddFlags(root.PersistentFlags())
		var got string
		check := func(cmd *cobra.Command, _ []string) {
			if err := Check(cmd, g); err != nil {
				got = err.Error()
			}
		}
		list := &cobra.Command{Use: "list", Run: check}
		cli.AddAllNamespacesFlag(list)
		zombies := &cobra.Command{Use: "zombies", Run: check}
		zombies.Flags().StringP("namespace", "n", "", "")
		zombies.Flags().BoolP("all-namespaces", "A", false, "")
		root.AddCommand(list, zombies)
		root.SetArgs(c.args)
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}
