package provider

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/watch"
)

// StatusOptions are the options of `provider status`.
type StatusOptions struct {
	*cli.Globals
	Output                *output.Flags
	Service, Port, Scheme string
	Timeout, Interval     time.Duration
	Watch, WatchOnly      bool
	API                   chain.APIFlags
}

// NewStatusOptions returns the defaults: the akash-provider Service's https
// port 8443, a 10s timeout for /status and the chain, a 5s --interval.
func NewStatusOptions(g *cli.Globals) *StatusOptions {
	return &StatusOptions{Globals: g, Output: output.NewFlags(), Service: akash.ProviderApp, Port: "8443", Scheme: "https",
		Timeout: 10 * time.Second, Interval: 5 * time.Second, API: chain.APIFlags{Timeout: 10 * time.Second}}
}

// Complete has nothing to read from the command line: every flag is bound
// to a field.
func (o *StatusOptions) Complete(*cobra.Command) error { return nil }

// Validate checks flags without I/O.
func (o *StatusOptions) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	if o.Scheme != "https" && o.Scheme != "http" {
		return fmt.Errorf("--status-scheme %q: want https or http", o.Scheme)
	}
	if o.Interval <= 0 {
		return fmt.Errorf("--interval must be positive, got %s", o.Interval)
	}
	return o.API.Validate()
}

// Run reads the status once and prints it (exit 3 on findings), or with
// --watch reads it again every --interval (/status is HTTP, not watchable)
// and prints what changed.
func (o *StatusOptions) Run(ctx context.Context) error {
	c, err := o.Clients()
	if err != nil {
		return err
	}
	src := StatusSource{Namespace: o.ProviderNamespace, Service: o.Service, Port: o.Port, Scheme: o.Scheme, Timeout: o.Timeout, API: o.API.API, APITimeout: o.API.Timeout}
	if o.Watch || o.WatchOnly {
		return watch.Run(ctx, o.Streams.Out, o.Streams.ErrOut, watch.Options{Only: o.WatchOnly, Next: watch.Every(o.Interval)},
			func(ctx context.Context, stderr io.Writer) (*watch.Frame, error) {
				st, _, err := ReadStatus(ctx, c, src, stderr)
				if err != nil {
					return nil, err
				}
				return &watch.Frame{Objects: map[string]any{st.Name: st}, Print: func(w io.Writer, _ map[string]bool, _ bool) error {
					return PrintStatus(w, o.Output, st)
				}}, nil
			})
	}
	st, findings, err := ReadStatus(ctx, c, src, o.Streams.ErrOut)
	if err != nil {
		return err
	}
	if err := PrintStatus(o.Streams.Out, o.Output, st); err != nil {
		return err
	}
	if findings {
		return cli.Silent(cli.ExitFindings)
	}
	return nil
}
