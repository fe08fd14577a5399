package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs/renew"
)

// NewCertsRenewCmd builds `kubectl akash certs renew`.
func NewCertsRenewCmd(g *Globals) *cobra.Command {
	o := renew.NewOptions(&g.Globals)
	cmd := &cobra.Command{
		Use:   "renew (NODE... | --all-control-plane | --local)",
		Short: "Renew a control-plane node's certificates the safe way: snapshot, backup, renew, restart, re-check",
		Long: longDesc(`
			The certificate-rotation runbook, one control-plane node at a time (with
			--all-control-plane the oldest node first), stopping at the first failure.
			On each node:

			1. etcd snapshot with the node's etcdctl (kubespray's /etc/etcd.env, or kubeadm's
			   etcd certificates), saved in --backup-dir on the node, read back with
			   "snapshot status", and copied here with --snapshot-dir;
			2. a tar.gz of /etc/kubernetes and /etc/ssl/etcd in --backup-dir;
			3. kubeadm certs renew all, run on the host;
			4. each control-plane static pod restarted the way that works: deleting the
			   mirror pod through the API does NOT restart a static pod (the kubelet
			   recreates the mirror, the old container keeps its old certificates), so the
			   manifest is moved out of the static-pod dir for longer than the kubelet's
			   file-check period and until the pod's processes are gone, moved back, and
			   the component waited for until Ready with a new container: etcd (when a
			   static pod), kube-apiserver, kube-controller-manager, kube-scheduler; a
			   kubespray host etcd is restarted with systemctl. A guardian process on the
			   node owns each restart and puts the manifest back even if this command is
			   interrupted or the debug pod deleted; interrupted, the command waits for it
			   (interrupt again to stop waiting). A manifest an earlier run left parked is
			   put back before anything else, even by --dry-run, and reported;
			5. the expiry re-checked; --update-kubeconfig then puts the renewed admin
			   credentials into your kubeconfig (the old file kept as .bak-<time>).

			A k3s server (its <k3s-dir>/server/tls is on the node, or the API says
			k3s: kubelet version +k3s, k3s.io annotations) is renewed the k3s way:
			k3s etcd-snapshot save while k3s runs (skipped, and said, when it runs
			no embedded etcd), a tar.gz of server/tls, server/cred and the agent's
			certificates, systemctl stop k3s, k3s certificate rotate, systemctl start
			k3s (attempted whatever happened after the stop: k3s holds the API
			server), the node Ready again, and the certificates re-checked: every
			one issued anew. A rotation killed between stop and start is found by
			the next run, which starts k3s before anything else. The plan names each
			node's flavour: kubeadm, kubespray or k3s.

			The plan is printed first and needs --yes or an interactive y; --dry-run
			changes nothing. A failed step stops everything and the output says how to roll
			back from the backups.`),
		Example: examples(`
			# What would happen on one node
			kubectl akash certs renew cp-1 --dry-run=client

			# A k3s server installed with a --data-dir of its own
			kubectl akash certs renew cp-1 --k3s-dir /data/k3s --yes

			# Every control-plane node, one at a time, then refresh your kubeconfig
			kubectl akash certs renew --all-control-plane --snapshot-dir ./snapshots --update-kubeconfig --yes

			# On the node itself, when the API already refuses the expired certificates
			kubectl akash certs renew --local --yes`),
		Args: cobra.ArbitraryArgs,
		RunE: runSteps(o),
	}
	fs := cmd.Flags()
	fs.StringSliceVar(&o.NodeNames, "node", nil, "The control-plane node(s) to renew, in this order.")
	// Hidden, and its deprecation said on stderr here: cobra's own notice
	// would go to stdout, into -o json.
	_ = fs.MarkHidden("node")
	fs.BoolVar(&o.AllControlPlane, "all-control-plane", false, "Every node labelled "+certs.ControlPlaneLabel+", oldest first.")
	o.Nodes.AddRenewFlags(cmd)
	renew.AddNodeOpsFlags(fs, o.Ops)
	fs.StringSliceVar(&o.StaticPods, "static-pods", o.StaticPods, "The static pods to restart, in order (manifest base names; etcd is added first when etcd.yaml is there).")
	fs.StringVar(&o.StaticNamespace, "static-pod-namespace", o.StaticNamespace, "Namespace of the static pods' mirror pods.")
	fs.DurationVar(&o.OutPeriod, "out-period", o.OutPeriod, "How long each manifest stays out of the static-pod dir at least (longer than the kubelet's fileCheckFrequency, 20s by default).")
	fs.DurationVar(&o.StopTimeout, "stop-timeout", o.StopTimeout, "How much longer to wait for a static pod's processes to end.")
	fs.DurationVar(&o.ReadyTimeout, "ready-timeout", o.ReadyTimeout, "How long to wait for a restarted component to be Ready.")
	fs.StringVar(&o.SnapshotDir, "snapshot-dir", "", "Also copy each node's etcd snapshot into this local directory.")
	fs.BoolVar(&o.UpdateKubeconfig, "update-kubeconfig", false, "After the first node, merge its renewed admin.conf credentials into your kubeconfig (a backup of the old file is kept).")
	o.Output.AddFlags(cmd)
	o.Exec.AddFlags(cmd)
	return cmd
}
