package cmd

import "github.com/spf13/cobra"

// NewCertsCmd builds `kubectl akash certs`, the certificate expiry check
// and the guarded renewal.
func NewCertsCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "certs",
		Short:   "Check the expiry of every control-plane certificate, and renew them safely",
		GroupID: groupNodes,
		Long: longDesc(`
			An expired control-plane certificate shows up as "error: You must be logged in
			to the server (Unauthorized)". check reads every certificate kubeadm,
			kubespray, k3s and the kubelet keep, on every control-plane node at once,
			plus the API server's and the kubeconfig's own; renew runs the renewal
			runbook one node at a time, with a snapshot and backups first.`),
	}
	cmd.AddCommand(NewCertsCheckCmd(g), NewCertsRenewCmd(g))
	return cmd
}
