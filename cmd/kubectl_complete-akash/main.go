// Command kubectl_complete-akash is the completion helper kubectl (1.26 and
// later) runs when completing `kubectl akash ...`: kubectl finds it on PATH
// by name and passes the words to complete. It is `kubectl-akash __complete`
// with those words, built as its own executable because krew links only a
// plugin's main binary onto PATH.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cmd"
)

func main() {
	args := append([]string{"__complete"}, os.Args[1:]...)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	root := cmd.NewRootCmdWithGlobals(&cmd.Globals{
		Streams: genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr},
		Args:    args,
	})
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	stop()
	if msg := cli.Message(err); msg != "" {
		fmt.Fprintln(os.Stderr, "error: "+msg)
	}
	os.Exit(cli.CodeOf(err))
}
