package fleet

import (
	"bytes"
	"encoding/csv"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// The root's flags that choose the contexts, and the flags that belong to
// this process rather than to a context's run.
var processFlags = map[string]bool{
	"contexts": true, "all-contexts": true, "fleet": true, "parallel-contexts": true,
	"context": true, "v": true, "vmodule": true, "profile": true, "profile-output": true, "help": true,
}

// Argv is the command line of one context's run: the command, every flag
// the operator set (but the fleet's own, --context, the logging and
// profiling flags, which belong to this process, and the output flags when
// the answer is merged), the context's settings for flags the operator
// left alone, --context, and the positional arguments. envelope asks the
// run to print its answer as an output.Envelope.
func (inv Invocation) Argv(m Member, envelope bool) []string {
	argv := append([]string{}, inv.Path...)
	inv.Flags.Visit(func(f *pflag.Flag) {
		if !processFlags[f.Name] && !(envelope && inv.OutputFlags[f.Name]) {
			argv = append(argv, flagArgs(f)...)
		}
	})
	names := make([]string, 0, len(m.Flags))
	for name := range m.Flags {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if f := inv.Flags.Lookup(name); f != nil && !f.Changed {
			argv = append(argv, "--"+name+"="+m.Flags[name])
		}
	}
	argv = append(argv, "--context="+m.Context)
	if envelope {
		argv = append(argv, "--output="+output.EnvelopeFormat)
	}
	if len(inv.Args) > 0 {
		argv = append(append(argv, "--"), inv.Args...)
	}
	return argv
}

// flagArgs renders a set flag so that parsing it again gives the same value:
// a list flag is repeated once per item (a comma-separated list's items
// quoted as CSV, so an item's own comma survives).
func flagArgs(f *pflag.Flag) []string {
	sv, ok := f.Value.(pflag.SliceValue)
	if !ok {
		return []string{"--" + f.Name + "=" + f.Value.String()}
	}
	var out []string
	for _, item := range sv.GetSlice() {
		if f.Value.Type() == "stringSlice" {
			item = csvField(item)
		}
		out = append(out, "--"+f.Name+"="+item)
	}
	return out
}

func csvField(s string) string {
	if !strings.ContainsAny(s, ",\"\n") {
		return s
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{s})
	w.Flush()
	return strings.TrimSuffix(b.String(), "\n")
}
