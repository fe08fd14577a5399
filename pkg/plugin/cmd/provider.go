package cmd

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/provider"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
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

// listProviderPods reads the akash-provider pods through the snapshot (one
// LIST) and refuses a namespace without any.
func listProviderPods(ctx context.Context, c *cli.Clients, ns string) ([]corev1.Pod, error) {
	snap, err := snapshot.Load(ctx, c, snapshot.Spec{ProviderNamespace: ns, ProviderPods: true})
	if err != nil {
		return nil, err
	}
	return provider.RequirePods(snap.ProviderPods, ns)
}

func newProviderStatusCmd(g *Globals) *cobra.Command {
	out := output.NewFlags()
	service, port, scheme := akash.ProviderApp, "8443", "https"
	timeout, interval := 10*time.Second, 5*time.Second
	var watchOn, watchOnly bool
	api := chainAPIFlags{Timeout: 10 * time.Second}
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
			if err := out.Validate(); err != nil {
				return err
			}
			if scheme != "https" && scheme != "http" {
				return fmt.Errorf("--status-scheme %q: want https or http", scheme)
			}
			if interval <= 0 {
				return fmt.Errorf("--interval must be positive, got %s", interval)
			}
			if err := api.validate(); err != nil {
				return err
			}
			c, err := g.Clients()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if watchOn || watchOnly {
				// /status is HTTP, not watchable: read everything again every
				// --interval (the same three calls each time), print changes.
				return watch.Run(ctx, g.Streams.Out, g.Streams.ErrOut, watch.Options{Only: watchOnly, Next: watch.Every(interval)},
					func(ctx context.Context, stderr io.Writer) (*watch.Frame, error) {
						st, _, err := readProviderStatus(ctx, g, c, stderr, service, port, scheme, timeout, api)
						if err != nil {
							return nil, err
						}
						return &watch.Frame{Objects: map[string]any{st.Name: st}, Print: func(w io.Writer, _ map[string]bool, _ bool) error {
							return provider.PrintStatus(w, out, st)
						}}, nil
					})
			}
			st, findings, err := readProviderStatus(ctx, g, c, g.Streams.ErrOut, service, port, scheme, timeout, api)
			if err != nil {
				return err
			}
			if err := provider.PrintStatus(g.Streams.Out, out, st); err != nil {
				return err
			}
			if findings {
				return cli.Silent(cli.ExitFindings)
			}
			return nil
		},
	}
	out.AddFlags(cmd)
	cmd.Flags().StringVar(&service, "service", service, "The provider's Service.")
	cmd.Flags().StringVar(&port, "status-port", port, "The Service port (name or number) serving /status.")
	cmd.Flags().StringVar(&scheme, "status-scheme", scheme, "The scheme /status is served with (https or http).")
	cmd.Flags().DurationVar(&timeout, "status-timeout", timeout, "How long to wait for /status.")
	addWatchFlags(cmd, &watchOn, &watchOnly, "read again every --interval")
	cmd.Flags().DurationVar(&interval, "interval", interval, "With --watch, the time between two reads.")
	api.addFlags(cmd, ", to show the market API version it serves.")
	return cmd
}

// readProviderStatus reads the provider pods, the nodes and /status once
// (three API calls; with --api, one or two requests to the chain); findings
// is a pod not Ready, /status not answering or the chain not answering.
func readProviderStatus(ctx context.Context, g *Globals, c *cli.Clients, stderr io.Writer, service, port, scheme string, timeout time.Duration, api chainAPIFlags) (*provider.Status, bool, error) {
	pods, err := listProviderPods(ctx, c, g.ProviderNamespace)
	if err != nil {
		return nil, false, err
	}
	st := provider.NewStatus(service, g.ProviderNamespace, pods)
	// How the cluster was installed decides which runbooks apply;
	// a user who may not list nodes still gets the rest.
	if nodes, err := snapshot.Load(ctx, c, snapshot.Spec{Nodes: true}); err == nil {
		cl := provider.ClusterOf(nodes.Nodes)
		st.Spec.Cluster = &cl
	} else {
		fmt.Fprintf(stderr, "warning: the cluster's kind is not shown: %v\n", err)
	}
	findings := st.NotReady()
	pctx, cancel := context.WithTimeout(ctx, timeout)
	body, err := c.Kube.CoreV1().Services(g.ProviderNamespace).ProxyGet(scheme, service, port, "status", nil).DoRaw(pctx)
	cancel()
	if err == nil {
		st.Spec.Endpoint, err = provider.ParseStatus(body)
	} else {
		err = cli.Explain(err, fmt.Sprintf("reading /status of service %s/%s port %s through the API server's service proxy", g.ProviderNamespace, service, port))
	}
	if err != nil {
		st.Spec.EndpointError = err.Error()
		findings = true
		fmt.Fprintf(stderr, "warning: %v\n", err)
	}
	if api.API != "" {
		st.Spec.Chain = chainOf(ctx, api.API, api.Timeout)
		if st.Spec.Chain.Error != "" {
			findings = true
			fmt.Fprintf(stderr, "warning: the chain's market API version: %s\n", st.Spec.Chain.Error)
		}
	}
	return st, findings, nil
}

// chainOf asks the chain's REST API which market API version it serves.
func chainOf(ctx context.Context, api string, timeout time.Duration) *provider.Chain {
	v, err := (&chain.REST{Base: api, Client: &http.Client{Timeout: timeout}}).MarketVersion(ctx)
	ch := &provider.Chain{API: api, MarketVersion: v}
	if err != nil {
		ch.Error = err.Error()
	}
	return ch
}
