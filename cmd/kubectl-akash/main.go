// Command kubectl-akash is the `kubectl akash` plugin.
//
// The same binary is also the completion helper kubectl (1.26 and later)
// runs when completing `kubectl akash ...`: kubectl looks for an executable
// named kubectl_complete-akash on PATH and passes it the words to complete.
// Invoked under that name (a link or a copy), it answers as
// `kubectl-akash __complete WORDS...`, so a release ships one binary and a
// link to krew's stable bin/kubectl-akash keeps completing after upgrades.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	// Before kubectl's packages initialise: no catalog load under English.
	_ "github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli/translations"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cmd"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/interrupt"
)

// completionHelper is the executable name kubectl runs to complete the
// plugin's words.
const completionHelper = "kubectl_complete-akash"

func main() {
	// The first Ctrl-C/SIGTERM stops new work, the second exits at once
	// (package interrupt).
	ctx, stop := interrupt.Install(context.Background(), os.Stderr)
	g := &cmd.Globals{
		Globals: cli.Globals{Streams: genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}},
		Args:    arguments(os.Args),
	}
	root := cmd.NewRootCmdWithGlobals(g)
	root.SetArgs(g.Args)
	err := root.ExecuteContext(ctx)
	stop()
	if perr := g.Finish(); err == nil {
		err = perr
	}
	if msg := cli.Message(err); msg != "" {
		fmt.Fprintln(os.Stderr, "error: "+msg)
	}
	os.Exit(cli.CodeOf(err))
}

// arguments are the words the command tree runs: argv without its first
// word, behind `__complete` when the binary runs as the completion helper.
// The name is compared without directory and without a Windows .exe suffix,
// whatever its case there.
func arguments(argv []string) []string {
	args := append([]string{}, argv[1:]...)
	name := filepath.Base(argv[0])
	if ext := filepath.Ext(name); strings.EqualFold(ext, ".exe") {
		name = strings.TrimSuffix(name, ext)
	}
	if name == completionHelper {
		return append([]string{"__complete"}, args...)
	}
	return args
}
