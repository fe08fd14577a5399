package completion

import (
	"slices"
	"testing"

	"github.com/spf13/cobra"
)

// TestListCompletesTheLastName: a comma-separated list keeps what was typed
// before the last comma and completes the rest.
func TestListCompletesTheLastName(t *testing.T) {
	f := List(Words(func() []string { return []string{"eu-2", "eu-1", "us-1"} }))
	for _, c := range []struct {
		typed string
		want  []string
	}{
		{"e", []string{"eu-1", "eu-2"}},
		{"us-1,e", []string{"us-1,eu-1", "us-1,eu-2"}},
		{"a,b,u", []string{"a,b,us-1"}},
		{"x,", []string{"x,eu-1", "x,eu-2", "x,us-1"}},
	} {
		got, directive := f(nil, nil, c.typed)
		if !slices.Equal(got, c.want) || directive != cobra.ShellCompDirectiveNoFileComp {
			t.Errorf("%q: %q (%d), want %q", c.typed, got, directive, c.want)
		}
	}
}

// TestRegistration: arguments are completed only on the visible commands
// of the groups named that have no completion of their own, and a local
// flag only where it is defined (below the command named, when one is).
func TestRegistration(t *testing.T) {
	root := &cobra.Command{Use: "tool"}
	own := func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) { return []string{"own"}, 0 }
	nodes, other := &cobra.Command{Use: "nodes"}, &cobra.Command{Use: "other"}
	check := &cobra.Command{Use: "check", Run: func(*cobra.Command, []string) {}}
	kept := &cobra.Command{Use: "kept", ValidArgsFunction: own, Run: check.Run}
	hidden := &cobra.Command{Use: "hidden", Hidden: true, Run: check.Run}
	elsewhere := &cobra.Command{Use: "elsewhere", Run: check.Run}
	check.Flags().String("pod", "", "")
	elsewhere.Flags().String("pod", "", "")
	nodes.AddCommand(check, kept, hidden)
	other.AddCommand(elsewhere)
	root.AddCommand(nodes, other)

	OnArgs(root, Files("yaml"), "nodes")
	if check.ValidArgsFunction == nil || hidden.ValidArgsFunction != nil || elsewhere.ValidArgsFunction != nil {
		t.Error("arguments completed outside the visible commands of the group named")
	}
	if got, _ := kept.ValidArgsFunction(nil, nil, ""); !slices.Equal(got, []string{"own"}) {
		t.Errorf("a command's own completion was replaced: %q", got)
	}
	OnLocalFlags(root, "nodes", map[string]Func{"pod": DryRun})
	if _, ok := check.GetFlagCompletionFunc("pod"); !ok {
		t.Error("--pod of nodes check has no completion")
	}
	if _, ok := elsewhere.GetFlagCompletionFunc("pod"); ok {
		t.Error("--pod completed outside the command named")
	}
}
