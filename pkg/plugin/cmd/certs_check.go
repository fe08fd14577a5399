package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// CertsCheckOptions are `certs check`'s.
type CertsCheckOptions struct {
	g      *Globals
	Nodes  *CertsNodeFlags
	Output *output.Flags
	Warn   string
	// NoClient skips the API server's and the kubeconfig's certificates.
	NoClient bool
	// Kubeadm is the node's kubeadm to cross-check with ("" = found).
	Kubeadm string

	warn time.Duration
	args []string
}

// NewCertsCheckOptions returns the defaults.
func NewCertsCheckOptions(g *Globals) *CertsCheckOptions {
	return &CertsCheckOptions{g: g, Nodes: NewCertsNodeFlags(), Output: output.NewFlags()}
}

// NewCertsCheckCmd builds `kubectl akash certs check`.
func NewCertsCheckCmd(g *Globals) *cobra.Command {
	o := NewCertsCheckOptions(g)
	cmd := &cobra.Command{
		Use:   "check [NODE... | --all-nodes | -l SELECTOR | --local]",
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
			NODE..., -l or --all-nodes (every kubelet) say otherwise. An expected file that
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
		RunE: runNode(&o.args, o.Validate, o.Run),
	}
	o.Nodes.AddFlags(cmd)
	o.Output.JQExample = `.items[].status.certificates[] | select(.status != "Valid") | .name`
	o.Output.AddFlags(cmd)
	cmd.Flags().StringVar(&o.Warn, "warn", "", "Report certificates that expire within this window as Expiring and exit 3 (days like 30d, or a duration).")
	cmd.Flags().StringVar(&o.Kubeadm, "kubeadm", "", "kubeadm on the node, to cross-check with (default: found in /usr/local/bin, /usr/bin, /opt/bin).")
	cmd.Flags().BoolVar(&o.NoClient, "no-client", false, "Skip the API server's serving certificate and the kubeconfig's client certificate.")
	return cmd
}

// Validate checks the flags without I/O.
func (o *CertsCheckOptions) Validate() error {
	if err := o.Nodes.Validate(o.args); err != nil {
		return err
	}
	w, err := parseWarn(o.Warn)
	if err != nil {
		return err
	}
	o.warn = w
	return o.Output.Validate()
}

// Run collects every node's certificates (and the client side), judges
// them with this machine's clock, prints, and sets the exit code.
func (o *CertsCheckOptions) Run(ctx context.Context) error {
	list := certs.NewList()
	check := certs.CheckOptions{Layout: o.Nodes.Layout(), Kubeadm: o.Kubeadm}
	if o.Nodes.Local {
		n, _ := certs.CheckAgent.Run(ctx, o.Nodes.LocalEnv(), check)
		list.Items = append(list.Items, n)
	} else {
		results, err := o.Nodes.RunOnNodes(ctx, &o.g.Globals, o.args, certs.CheckAgent.Argv(check))
		if err != nil {
			return o.explainNoNodes(err)
		}
		for _, r := range results {
			list.Items = append(list.Items, certs.FromAnswer(r.Answer()))
		}
		if !o.NoClient {
			clients, err := o.g.Clients()
			if err != nil {
				return err
			}
			n := certs.NewNode(certs.ClientNode)
			n.Status.Certificates = certs.ClientSide(ctx, clients.Config)
			list.Items = append(list.Items, n)
		}
	}
	list.Assess(time.Now(), o.warn)
	if err := o.Output.Print(o.g.Streams.Out, list, func() *output.Table { return certs.Table(list) }); err != nil {
		return err
	}
	for _, w := range list.KubeadmWarnings() {
		fmt.Fprintln(o.g.Streams.ErrOut, w)
	}
	return certsExit(list.Count())
}

// explainNoNodes adds the way out when the default control-plane selector
// matches nothing (a cluster whose control plane is not labelled, or a
// managed one).
func (o *CertsCheckOptions) explainNoNodes(err error) error {
	if o.Nodes.defaultControl {
		return fmt.Errorf("%w: name the control-plane nodes (NODE...) or pass -l", err)
	}
	return err
}

// certsExit is the check's exit code: 1 when something could not be read,
// 3 when something expired, is missing or expires within --warn.
func certsExit(n certs.Counts) error {
	if n.NodeErrors > 0 || n.Errors > 0 {
		return &cli.ExitError{Code: cli.ExitFailure, Err: fmt.Errorf("%d node(s) and %d certificate(s) could not be read (see the table)", n.NodeErrors, n.Errors)}
	}
	if n.Findings > 0 {
		return cli.Silent(cli.ExitFindings)
	}
	return nil
}
