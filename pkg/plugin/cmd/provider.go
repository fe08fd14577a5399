package cmd

import (
	"github.com/spf13/cobra"

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

// newProviderStatusCmd builds `provider status`; its Options and Run are
// provider.StatusOptions.
func newProviderStatusCmd(g *Globals) *cobra.Command {
	o := provider.NewStatusOptions(&g.Globals)
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
		RunE: runSteps(o),
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
