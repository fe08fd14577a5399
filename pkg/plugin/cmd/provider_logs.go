package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/provider"
)

// ProviderLogsOptions are the options of `provider logs`.
type ProviderLogsOptions struct {
	*Globals
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

// NewProviderLogsOptions returns the defaults: the whole log (--tail -1)
// of the provider container.
func NewProviderLogsOptions(g *Globals) *ProviderLogsOptions {
	out := output.NewFlags()
	out.JQExample = `.items[] | select(.spec.outcome == "Won") | .metadata.name`
	return &ProviderLogsOptions{Globals: g, Output: out, Tail: -1, Container: akash.ProviderContainer}
}

func newProviderLogsCmd(g *Globals) *cobra.Command {
	o := NewProviderLogsOptions(g)
	cmd := &cobra.Command{
		Use:   "logs",
		Short: "The provider's logs, or with --bids its bid-engine events: order, price, outcome",
		Long: longDesc(`
			Prints the logs of the akash-provider pod's provider container. With --bids
			it parses them instead: only bid-engine events are kept (an order detected,
			declined, no capacity, price too high, bid placed and its price, lease won
			or lost, order closed, bid timeout), one row each with the order ID, the
			price, the outcome and the message — the runbook's grep -Ev noise filter,
			as a parser. It reads the tendermint format of providers before 0.10
			(I[2022-11-11|12:09:10.778] ...), the console format of 0.10 and later
			(8:36PM INF ..., with or without colour codes) and JSON logs.

			--from-file parses a saved log instead (a file, or - for standard
			input), with no cluster needed: a log an operator sent you, or
			kubectl logs output kept from before a restart.`),
		Example: examples(`
			# Bid-engine events of the last hour
			kubectl akash provider logs --bids --since 1h

			# Follow bids as they happen
			kubectl akash provider logs --bids -f

			# A saved log, or one piped in
			kubectl akash provider logs --bids --from-file provider.log
			kubectl -n akash-services logs akash-provider-0 --previous | kubectl akash provider logs --bids --from-file -

			# Orders the bid script priced too high
			kubectl akash provider logs --bids --jq '.items[] | select(.spec.outcome == "PriceTooHigh") | .spec.order'`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Complete(cmd)
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Output.AddFlags(cmd)
	fs := cmd.Flags()
	fs.BoolVar(&o.Bids, "bids", false, "Parse the logs into bid-engine events (order, price, outcome) and drop everything else.")
	fs.BoolVarP(&o.Follow, "follow", "f", false, "Keep streaming new log lines.")
	fs.DurationVar(&o.Since, "since", 0, "Only lines newer than this, e.g. 10m or 2h (default: all).")
	fs.Int64Var(&o.Tail, "tail", o.Tail, "Only the last N lines of the log (-1: all).")
	fs.StringVar(&o.Pod, "pod", "", "The provider pod (default: the running pod labelled app=akash-provider).")
	fs.StringVarP(&o.Container, "container", "c", o.Container, "The container.")
	fs.StringVar(&o.FromFile, "from-file", "", "Parse this saved provider log (- for standard input) instead of the pod's; needs --bids, and no cluster.")
	return cmd
}

// Complete records whether --from-file was given and which flags of the
// pod's log were.
func (o *ProviderLogsOptions) Complete(cmd *cobra.Command) {
	o.fromFile = cmd.Flags().Changed("from-file")
	for _, f := range []string{"follow", "since", "tail", "pod", "container"} {
		if cmd.Flags().Changed(f) {
			o.podFlags = append(o.podFlags, f)
		}
	}
}

// Validate checks flags without I/O. A saved log needs --bids, a name, and
// none of the flags that choose or stream the pod's log.
func (o *ProviderLogsOptions) Validate() error {
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
func (o *ProviderLogsOptions) Run(ctx context.Context) error {
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
		return provider.PrintBidEvents(ctx, o.Streams.Out, o.Streams.ErrOut, o.Output, r, false)
	}
	c, err := o.Clients()
	if err != nil {
		return err
	}
	stream, err := provider.OpenLog(ctx, c, provider.LogOptions{Namespace: o.ProviderNamespace, Pod: o.Pod, Container: o.Container, Follow: o.Follow, Since: o.Since, Tail: o.Tail})
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
	return provider.PrintBidEvents(ctx, o.Streams.Out, o.Streams.ErrOut, o.Output, stream, o.Follow)
}
