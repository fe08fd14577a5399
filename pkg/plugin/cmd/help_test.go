package cmd

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/usage"
)

// -update rewrites testdata/help from what the commands print now:
//
//	go test ./pkg/plugin/cmd/ -run Help -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata/help")

// helpEnv makes the help text independent of the machine: the defaults
// that come from the environment (kubectl's cache directory, the
// operator's plugins.yaml) are pinned.
func helpEnv(t *testing.T) {
	t.Setenv("KUBECACHEDIR", "$HOME/.kube/cache")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
}

// commandPaths lists every visible command of the tree, built-ins, cobra's
// help and completion commands and the shipped plugins alike, as argument
// lists.
func commandPaths(t *testing.T) [][]string {
	t.Helper()
	var out bytesDiscard
	root := NewRootCmdWithGlobals(&Globals{Globals: cli.Globals{Streams: genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &out}}, Args: []string{}})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		if c.Hidden || c.Name() == cobra.ShellCompRequestCmd || c.Name() == cobra.ShellCompNoDescRequestCmd {
			return
		}
		paths = append(paths, path)
		for _, s := range c.Commands() {
			walk(s, append(append([]string{}, path...), s.Name()))
		}
	}
	walk(root, nil)
	return paths
}

type bytesDiscard struct{}

func (bytesDiscard) Write(p []byte) (int, error) { return len(p), nil }

// TestHelpGolden compares every command's --help with testdata/help, so
// that what an operator reads changes only on purpose.
func TestHelpGolden(t *testing.T) {
	helpEnv(t)
	paths := commandPaths(t)
	if len(paths) < 30 {
		t.Fatalf("only %d commands found", len(paths))
	}
	dir := filepath.Join("testdata", "help")
	want := map[string]bool{}
	for _, path := range paths {
		name := "kubectl-akash"
		if len(path) > 0 {
			name = strings.Join(path, "_")
		}
		file := filepath.Join(dir, name+".txt")
		want[filepath.Base(file)] = true
		t.Run(name, func(t *testing.T) {
			stdout, stderr, code := runPlugin(t, append(append([]string{}, path...), "--help")...)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if *update {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(stdout), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			golden, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run: go test ./pkg/plugin/cmd/ -run Help -update)", err)
			}
			if stdout != string(golden) {
				t.Errorf("%s --help differs from %s (run: go test ./pkg/plugin/cmd/ -run Help -update, and review the diff)\n--- got ---\n%s", strings.Join(path, " "), file, stdout)
			}
		})
	}
	// A golden file of a command that no longer exists is stale.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if want[e.Name()] {
			continue
		}
		if *update {
			_ = os.Remove(filepath.Join(dir, e.Name()))
			continue
		}
		t.Errorf("%s: no such command any more (run: go test ./pkg/plugin/cmd/ -run Help -update)", e.Name())
	}
}

// TestHelpText holds what every help text must not contain: markdown
// leftovers and the global flags that `kubectl akash options` lists once.
func TestHelpText(t *testing.T) {
	helpEnv(t)
	for _, path := range commandPaths(t) {
		stdout, _, _ := runPlugin(t, append(append([]string{}, path...), "--help")...)
		name := strings.Join(append([]string{"kubectl akash"}, path...), " ")
		for _, bad := range []string{"--kubeconfig", "--request-timeout", "Global Flags", "\n        "} {
			if strings.Contains(stdout, bad) && !(len(path) == 1 && path[0] == optionsCmdName) {
				t.Errorf("%s --help contains %q", name, bad)
			}
		}
		if !strings.Contains(stdout, `Use "kubectl akash options" for a list of global command-line options`) {
			t.Errorf("%s --help does not point to kubectl akash options", name)
		}
	}
	stdout, _, code := runPlugin(t, optionsCmdName)
	if code != 0 || !strings.Contains(stdout, "--kubeconfig") || !strings.Contains(stdout, "--lease-namespace") {
		t.Errorf("kubectl akash options: exit %d\n%s", code, stdout)
	}
}

// TestGroupCommands: as kubectl's group commands do, every command that
// only groups others exits 1 on an unknown subcommand and, run bare, prints
// its help on stderr and exits 1.
func TestGroupCommands(t *testing.T) {
	helpEnv(t)
	groups := 0
	for _, path := range commandPaths(t) {
		if len(path) == 0 || path[0] == "completion" || path[0] == "help" {
			continue
		}
		var out bytesDiscard
		root := NewRootCmdWithGlobals(&Globals{Globals: cli.Globals{Streams: genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &out}}, Args: []string{}})
		c, _, err := root.Find(path)
		if err != nil || c.Annotations[usage.GroupAnnotation] == "" {
			continue
		}
		groups++
		name := "kubectl akash " + strings.Join(path, " ")
		stdout, stderr, code := runPlugin(t, append(append([]string{}, path...), "bogus")...)
		if want := `error: unknown command "bogus" for "` + name + `"`; code != 1 || stdout != "" || !strings.HasPrefix(stderr, want) {
			t.Errorf("%s bogus: exit %d, stdout %q, stderr %q; want exit 1 and %q", name, code, stdout, stderr, want)
		}
		stdout, stderr, code = runPlugin(t, path...)
		if code != 1 || stdout != "" || !strings.Contains(stderr, name+" [command]") || !strings.HasSuffix(stderr, "(applies to all commands).\n") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want its help on stderr and exit 1", name, code, stdout, stderr)
		}
	}
	if groups < 7 {
		t.Errorf("only %d group commands found", groups)
	}
}
