package cmd

import (
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs/renew"
)

// newAgentCertsRenewCmd is `agent certs-renew STEP`: one node-side step of
// `certs renew` (probe, etcd-snapshot, backup, kubeadm-certs-renew,
// restart-static-pod, restart-etcd-service, restart-status), printed as a
// StepReport; exit 1 when the step failed. `read FILE` copies a node file
// to stdout (the snapshot, admin.conf). restart-static-pod runs the
// restart in a guardian, `certs-renew guard` with the same flags, which
// outlives this process and the debug pod (see renew.RunAgent).
func newAgentCertsRenewCmd(g *Globals, f *AgentFlags) *cobra.Command {
	a := renew.AgentStep{Ops: newNodeOps()}
	cmd := &cobra.Command{
		Use:   "certs-renew STEP | read FILE",
		Short: "Run one node-side step of certs renew",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a.Step = args[0]
			if len(args) == 2 {
				a.File = args[1]
			}
			a.Ops.Host, a.Ops.Proc = certs.Host{Root: f.HostRoot}, f.ProcRoot
			cmd.Flags().Visit(func(fl *pflag.Flag) { a.Flags = append(a.Flags, "--"+fl.Name+"="+fl.Value.String()) })
			return renew.RunAgent(cmd.Context(), a, g.Streams.Out)
		},
	}
	addLayoutFlags(cmd, &a.Ops.Layout)
	addNodeOpsFlags(cmd, a.Ops)
	fs := cmd.Flags()
	fs.StringVar(&a.Restart.Name, "component", "", "The static pod to restart (its manifest's base name).")
	fs.StringVar(&a.Restart.PodUID, "pod-uid", "", "The static pod's UID, to wait for its processes to end.")
	fs.DurationVar(&a.Restart.Out, "out", 25*time.Second, "How long the manifest stays out at least.")
	fs.DurationVar(&a.Restart.Timeout, "stop-timeout", 2*time.Minute, "How much longer to wait for the pod's processes to end.")
	fs.BoolVarP(&a.Yes, "yes", "y", false, "Required by the steps that change the node: certs renew passes it once the operator confirmed the plan.")
	fs.StringVar(&a.Token, "guard-token", "", "The guardian's run token (set by restart-static-pod).")
	_ = fs.MarkHidden("guard-token")
	return cmd
}

// newNodeOps are the defaults of where a renewal works on the node.
func newNodeOps() *certs.NodeOps {
	return &certs.NodeOps{Layout: certs.DefaultLayout("/"), EtcdService: "etcd", K3sService: certs.DefaultK3sService}
}

// addNodeOpsFlags binds where a renewal works on the node (shared by
// `certs renew` and its agent).
func addNodeOpsFlags(cmd *cobra.Command, o *certs.NodeOps) {
	fs := cmd.Flags()
	fs.StringVar(&o.StaticPodDir, "static-pod-dir", o.StaticPodDir, "The kubelet's static-pod directory on the node (default <kubernetes-dir>/manifests).")
	fs.StringVar(&o.BackupDir, "backup-dir", o.BackupDir, "Directory on the node for the etcd snapshot, the tar.gz backup and the parked manifests (default /var/backups/kubectl-akash).")
	fs.StringVar(&o.EtcdEnv, "etcd-env", o.EtcdEnv, "kubespray's etcdctl settings on the node (default <node-root>/etc/etcd.env).")
	fs.StringVar(&o.Etcdctl, "etcdctl", o.Etcdctl, "etcdctl on the node (default: found in /usr/local/bin, /usr/bin, /opt/bin).")
	fs.StringVar(&o.Kubeadm, "kubeadm", o.Kubeadm, "kubeadm on the node (default: found in /usr/local/bin, /usr/bin, /opt/bin).")
	fs.StringVar(&o.EtcdService, "etcd-service", o.EtcdService, "kubespray's etcd systemd unit, restarted where etcd is not a static pod (\"\" = leave it alone).")
	fs.StringVar(&o.CertDir, "cert-dir", o.CertDir, "kubeadm's --cert-dir on the node (default <kubernetes-dir>/pki).")
	fs.StringVar(&o.K3s, "k3s", o.K3s, "k3s on a k3s server (default: found in /usr/local/bin, /usr/bin, /opt/bin).")
	fs.StringVar(&o.K3sService, "k3s-service", o.K3sService, "k3s's systemd unit on a k3s server, stopped for the rotation and started again.")
	fs.StringVar(&o.Systemctl, "systemctl", o.Systemctl, "systemctl on the node (default: the node's, from its PATH).")
}
