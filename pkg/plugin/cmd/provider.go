package cmd

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
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/provider"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/watch"
)

// NewProviderCmd builds `kubectl akash provider`, the helpers around the
// akash-provider service itself.
func NewProviderCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "provider",
		Short:   "Inspect and restart the akash-provider service, read its bids and prices",
		GroupID: groupOther,
		Long: longDesc(`
			Helpers around the akash-provider service (StatefulSet akash-provider in
			--provider-namespace, pods labelled app=akash-provider, container provider):
			its pods and /status endpoint, its bid-engine log lines, a safe restart, and
			the bid price settings stored in its helm release.`),
	}
	cmd.AddCommand(newProviderStatusCmd(g), newProviderLogsCmd(g), newProviderRestartCmd(g), newProviderPricingCmd(g))
	return cmd
}

// ProviderStatusOptions are the options of `provider status`.
type ProviderStatusOptions struct {
	*Globals
	Output                *output.Flags
	Service, Port, Scheme string
	Timeout, Interval     time.Duration
	Watch, WatchOnly      bool
	API                   chain.APIFlags
}

// NewProviderStatusOptions returns the defaults: the akash-provider
// Service's https port 8443, a 10s timeout for /status and the chain, a 5s
// --interval.
func NewProviderStatusOptions(g *Globals) *ProviderStatusOptions {
	return &ProviderStatusOptions{Globals: g, Output: output.NewFlags(), Service: akash.ProviderApp, Port: "8443", Scheme: "https",
		Timeout: 10 * time.Second, Interval: 5 * time.Second, API: chain.APIFlags{Timeout: 10 * time.Second}}
}

func newProviderStatusCmd(g *Globals) *cobra.Command {
	o := NewProviderStatusOptions(g)
	cmd := &cobra.Command{
		Use:   "status",
		Short: "The akash-provider pods and the provider's own /status (leases, orders, inventory)",
		Long: longDesc(`
			Shows the akash-provider pods — readiness, restarts, image, provider version
			and helm chart — how the cluster was installed (kubeadm, which kubespray uses,
			k3s or RKE2, read from the nodes) and
			what the provider's /status endpoint reports: active leases, open orders,
			deployments and each node's allocatable and available resources. /status is
			reached through the API server's service proxy (the Service's port 8443), so
			it works from any machine with a kubeconfig, without port-forwarding.

			Exit code 3 when a provider pod is not Ready or /status does not answer.
			Three API calls: one LIST of the provider pods, one of the nodes, one GET
			through the proxy.`),
		Example: examples(`
			kubectl akash provider status
			kubectl akash provider status --jq '.spec.endpoint.activeLeases'

			# Read again every 10s and print what changed, until Ctrl-C
			kubectl akash provider status -w --interval 10s

			# Which market API the chain serves
			kubectl akash provider status --api https://api.akashnet.example:443 --jq '.spec.chain.marketVersion'`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Output.AddFlags(cmd)
	cmd.Flags().StringVar(&o.Service, "service", o.Service, "The provider's Service.")
	cmd.Flags().StringVar(&o.Port, "status-port", o.Port, "The Service port (name or number) serving /status.")
	cmd.Flags().StringVar(&o.Scheme, "status-scheme", o.Scheme, "The scheme /status is served with (https or http).")
	cmd.Flags().DurationVar(&o.Timeout, "status-timeout", o.Timeout, "How long to wait for /status.")
	watch.AddFlags(cmd, &o.Watch, &o.WatchOnly, "read again every --interval")
	cmd.Flags().DurationVar(&o.Interval, "interval", o.Interval, "With --watch, the time between two reads.")
	o.API.AddFlags(cmd, ", to show the market API version it serves.")
	return cmd
}

// Validate checks flags without I/O.
func (o *ProviderStatusOptions) Validate() error {
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
func (o *ProviderStatusOptions) Run(ctx context.Context) error {
	c, err := o.Clients()
	if err != nil {
		return err
	}
	so := provider.StatusOptions{Namespace: o.ProviderNamespace, Service: o.Service, Port: o.Port, Scheme: o.Scheme, Timeout: o.Timeout, API: o.API.API, APITimeout: o.API.Timeout}
	if o.Watch || o.WatchOnly {
		return watch.Run(ctx, o.Streams.Out, o.Streams.ErrOut, watch.Options{Only: o.WatchOnly, Next: watch.Every(o.Interval)},
			func(ctx context.Context, stderr io.Writer) (*watch.Frame, error) {
				st, _, err := provider.ReadStatus(ctx, c, so, stderr)
				if err != nil {
					return nil, err
				}
				return &watch.Frame{Objects: map[string]any{st.Name: st}, Print: func(w io.Writer, _ map[string]bool, _ bool) error {
					return provider.PrintStatus(w, o.Output, st)
				}}, nil
			})
	}
	st, findings, err := provider.ReadStatus(ctx, c, so, o.Streams.ErrOut)
	if err != nil {
		return err
	}
	if err := provider.PrintStatus(o.Streams.Out, o.Output, st); err != nil {
		return err
	}
	if findings {
		return cli.Silent(cli.ExitFindings)
	}
	return nil
}
