package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
)

// NewCertsCheckCmd builds `kubectl akash certs check`.
func NewCertsCheckCmd(g *Globals) *cobra.Command {
	o := certs.NewCheckOptions(&g.Globals)
	cmd := &cobra.Command{
		Use:   "check [NODE... | --all | -l SELECTOR | --local]",
		Short: "Show when every control-plane certificate expires, on every control-plane node",
		Long: longDesc(`
			Reads and parses, on each node (through a short-lived debug pod, or on this
			machine with --local): kubeadm's certificates (/etc/kubernetes/pki), the client
			certificates in admin.conf, super-admin.conf, controller-manager.conf,
			scheduler.conf and kubelet.conf, kubespray's etcd certificates
			(/etc/ssl/etcd/ssl, which kubeadm reports as missing), the kubelet's client and
			serving certificates (/var/lib/kubelet/pki) and k3s's
			(/var/lib/rancher/k3s/server/tls). Unless --local, it also reads the API
			server's serving certificate (a TLS handshake to the kubeconfig's server) and
			the kubeconfig's own client certificate.

			The nodes are the ones labelled node-role.kubernetes.io/control-plane unless
			NODE..., -l or --all (every kubelet) say otherwise. An expected file that
			is absent is Missing; one that cannot be read or parsed is an Error. Where the
			node has a kubeadm with "certs check-expiration -o json" (1.30s and later),
			its view is compared with this one, name by name and to the second, and every
			disagreement is reported (spec.status.kubeadm, and a warning).

			Exit codes (unlike kubeadm, which exits 0 even when certificates expired):
			0 all valid; 3 something expired, is missing, expires within --warn, or
			kubeadm disagrees;
			1 a node or a certificate could not be read.`),
		Example: examples(`
			# Every control-plane node, plus the API server and your kubeconfig
			kubectl akash certs check

			# Fail (exit 3) when anything expires within 30 days, e.g. from a CronJob
			kubectl akash certs check --warn 30d

			# On the node itself, without a pod or a working API server
			kubectl akash certs check --local --warn 30d

			# Seconds left per certificate
			kubectl akash certs check -o json --jq '.items[].status.certificates[] | [.name, .residualSeconds] | @tsv'`),
		RunE: runSteps(o),
	}
	o.Nodes.AddFlags(cmd)
	o.Output.JQExample = `.items[].status.certificates[] | select(.status != "Valid") | .name`
	o.Output.AddFlags(cmd)
	cmd.Flags().StringVar(&o.Warn, "warn", "", "Report certificates that expire within this window as Expiring and exit 3 (days like 30d, or a duration).")
	cmd.Flags().StringVar(&o.Kubeadm, "kubeadm", "", "kubeadm on the node, to cross-check with (default: found in /usr/local/bin, /usr/bin, /opt/bin).")
	cmd.Flags().BoolVar(&o.NoClient, "no-client", false, "Skip the API server's serving certificate and the kubeconfig's client certificate.")
	return cmd
}
