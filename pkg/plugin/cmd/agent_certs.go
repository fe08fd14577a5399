package cmd

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
)

// newAgentCertsCmd is `agent certs`: the node's certificates as one
// NodeCertificates JSON object, facts only (the caller judges them with its
// own clock and window).
func newAgentCertsCmd(g *Globals, f *AgentFlags) *cobra.Command {
	l := certs.DefaultLayout("/")
	cmd := &cobra.Command{
		Use:   "certs",
		Short: "Print this node's certificates as JSON",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n := certs.NewNode(f.NodeName)
			n.Status.Certificates = certs.Scan(certs.Host{Root: f.HostRoot}, l)
			return json.NewEncoder(g.Streams.Out).Encode(n)
		},
	}
	addLayoutFlags(cmd, &l)
	return cmd
}
