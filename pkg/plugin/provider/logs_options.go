package provider

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// LogsOptions are the options of `provider logs`.
type LogsOptions struct {
	*cli.Globals
	Output         *output.Flags
	Bids, Follow   bool
	Since          time.Duration
	Tail           int64
	Pod, Container string
	FromFile       string

	// fromFile is whether --from-file was given; podFlags are the flags
	// given that choose or stream the pod's log (none apply to a file).
	fromFile bool
	podFlags []string
}

// NewLogsOptions returns the defaults: the whole log (--tail -1) of the
// provider container.
func NewLogsOptions(g *cli.Globals) *LogsOptions {
	out := output.NewFlags()
	out.JQExample = `.items[] | select(.spec.outcome == "Won") | .metadata.name`
	return &LogsOptions{Globals: g, Output: out, Tail: -1, Container: akash.ProviderContainer}
}

// Complete records whether --from-file was given and which flags of the
// pod's log were.
func (o *LogsOptions) Complete(cmd *cobra.Command) error {
	o.fromFile = cmd.Flags().Changed("from-file")
	for _, f := range []string{"follow", "since", "tail", "pod", "container"} {
		if cmd.Flags().Changed(f) {
			o.podFlags = append(o.podFlags, f)
		}
	}
	return nil
}

// Validate checks flags without I/O. A saved log needs --bids, a name, and
// none of the flags that choose or stream the pod's log.
func (o *LogsOptions) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	if o.Since < 0 {
		return fmt.Errorf("--since must be positive, got %s", o.Since)
	}
	if o.Tail < -1 {
		return fmt.Errorf("--tail %d: want a number of lines, or -1 for the whole log", o.Tail)
	}
	if !o.fromFile {
		return nil
	}
	if !o.Bids {
		return fmt.Errorf("--from-file parses a saved log into bid-engine events: add --bids")
	}
	if len(o.podFlags) > 0 {
		return fmt.Errorf("--%s reads the provider pod's log; it does not apply to --from-file", o.podFlags[0])
	}
	if o.FromFile == "" {
		return fmt.Errorf("--from-file needs a file name, or - for standard input")
	}
	return nil
}

// Run prints the pod's log, or parses it (or a saved one) into bid events.
func (o *LogsOptions) Run(ctx context.Context) error {
	if o.fromFile {
		var r io.Reader = o.Streams.In
		if o.FromFile != "-" {
			f, err := os.Open(o.FromFile)
			if err != nil {
				return fmt.Errorf("reading the saved log: %w", err)
			}
			defer f.Close()
			r = f
		}
		return PrintBidEvents(ctx, o.Streams.Out, o.Streams.ErrOut, o.Output, r, false)
	}
	c, err := o.Clients()
	if err != nil {
		return err
	}
	stream, err := OpenLog(ctx, c, LogSource{Namespace: o.ProviderNamespace, Pod: o.Pod, Container: o.Container, Follow: o.Follow, Since: o.Since, Tail: o.Tail})
	if err != nil {
		return err
	}
	defer stream.Close()
	if !o.Bids {
		_, err := io.Copy(o.Streams.Out, stream)
		if ctx.Err() != nil {
			return nil // interrupted while following
		}
		return err
	}
	return PrintBidEvents(ctx, o.Streams.Out, o.Streams.ErrOut, o.Output, stream, o.Follow)
}
