package plugins

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/configfile"
)

// FileFlag is the root flag that names the operator's plugins.yaml.
const FileFlag = "plugins"

// Set is what was loaded when the command tree was built: the built-in
// entries, overridden by the operator's file.
type Set struct {
	Entries  []*Entry
	Problems []Problem
	// UserFile is the operator's file that was read ("" if none).
	UserFile string
}

// DefaultPath is $XDG_CONFIG_HOME/kubectl-akash/plugins.yaml, with XDG's
// default of ~/.config on every platform.
func DefaultPath() string { return configfile.Path("plugins.yaml") }

// FileFromArgs finds --plugins FILE or --plugins=FILE before "--": the
// plugin commands are part of the command tree, so the file is known
// before cobra parses any flag.
func FileFromArgs(args []string) (string, bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--"+FileFlag+"="); ok {
			return v, true
		}
		if a == "--"+FileFlag && i+1 < len(args) {
			return args[i+1], true
		}
	}
	return "", false
}

// Load parses the built-in plugins.yaml (builtin, named source) and the
// operator's file: the one --plugins names in args, else the default one
// when it exists. A problem costs its own entry, never the built-in
// commands; the error is only for a --plugins file that cannot be read,
// which the command fails with before it does anything.
func Load(source string, builtin []byte, args []string, reserved map[string]bool) (*Set, error) {
	base, problems := Parse(source, builtin, reserved)
	set := &Set{Problems: problems}
	path, explicit := FileFromArgs(args)
	if !explicit {
		path = DefaultPath()
	}
	var user []*Entry
	var fatal error
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case err == nil:
			set.UserFile = path
			var userProblems []Problem
			user, userProblems = Parse(path, data, reserved)
			set.Problems = append(set.Problems, userProblems...)
		case explicit:
			fatal = fmt.Errorf("--%s %s: cannot read it: %s", FileFlag, path, configfile.ReadError(err))
		case !errors.Is(err, fs.ErrNotExist):
			set.Problems = append(set.Problems, Problem{File: path, Index: -1, Msg: "cannot read it: " + configfile.ReadError(err)})
		}
	}
	set.Entries = Merge(base, user)
	return set, fatal
}

// Names lists the loaded plugin names.
func (s *Set) Names() []string {
	var out []string
	for _, e := range s.Entries {
		out = append(out, e.Name)
	}
	return out
}

// Complete is the completion of a plugin name: "name\tshort" of each
// loaded entry starting with prefix and not in exclude.
func (s *Set) Complete(prefix string, exclude []string) []string {
	var out []string
	for _, e := range s.Entries {
		if strings.HasPrefix(e.Name, prefix) && !slices.Contains(exclude, e.Name) {
			out = append(out, e.Name+"\t"+e.Short)
		}
	}
	return out
}

// ValidateFiles checks each file as the start-up does, printing every
// problem to stderr and one summary line per file to stdout, and returns
// how many problems (unreadable files included) there were.
func ValidateFiles(paths []string, reserved map[string]bool, stdout, stderr io.Writer) int {
	bad := 0
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(stderr, "%s: cannot read it: %s\n", path, configfile.ReadError(err))
			bad++
			continue
		}
		entries, problems := Parse(path, data, reserved)
		for _, p := range problems {
			fmt.Fprintln(stderr, p.Error())
		}
		bad += len(problems)
		fmt.Fprintf(stdout, "%s: %d valid plugin command(s), %d problem(s)\n", path, len(entries), len(problems))
	}
	return bad
}
