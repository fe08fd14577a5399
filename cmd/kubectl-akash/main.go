// Command kubectl-akash is the `kubectl akash` plugin.
package main

import (
	"context"
	"fmt"
	"os"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cmd"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/interrupt"
)

func main() {
	// The first Ctrl-C/SIGTERM stops new work, the second exits at once
	// (package interrupt).
	ctx, stop := interrupt.Install(context.Background(), os.Stderr)
	g := &cmd.Globals{Streams: genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}}
	err := cmd.NewRootCmdWithGlobals(g).ExecuteContext(ctx)
	stop()
	if perr := g.Finish(); err == nil {
		err = perr
	}
	if msg := cli.Message(err); msg != "" {
		fmt.Fprintln(os.Stderr, "error: "+msg)
	}
	os.Exit(cli.CodeOf(err))
}
