package cmd

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
)

// newAgentCertsCmd is `agent certs`: the node's certificates as one
// NodeCertificates JSON object, facts only (the caller judges them with its
// own clock and window), with the node's kubeadm's view compared when it
// has one.
func newAgentCertsCmd(g *Globals, f *AgentFlags) *cobra.Command {
	l := certs.DefaultLayout("/")
	var kubeadm string
	cmd := &cobra.Command{
		Use:   "certs",
		Short: "Print this node's certificates as JSON",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n := certs.NewNode(f.NodeName)
			h := certs.Host{Root: f.HostRoot}
			n.Status.Certificates = certs.Scan(h, l)
			n.Status.Kubeadm = certs.CrossCheckKubeadm(cmd.Context(), h, l, kubeadm, n.Status.Certificates)
			return json.NewEncoder(g.Streams.Out).Encode(n)
		},
	}
	addLayoutFlags(cmd, &l)
	cmd.Flags().StringVar(&kubeadm, "kubeadm", "", "kubeadm on the node, to cross-check with (default: found in /usr/local/bin, /usr/bin, /opt/bin).")
	return cmd
}
