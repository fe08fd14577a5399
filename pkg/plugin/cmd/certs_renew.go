package cmd

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/utils/ptr"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs/renew"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// CertsRenewOptions are `certs renew`'s: the node flags, and the renewal's
// own settings (renew.Config).
type CertsRenewOptions struct {
	g      *Globals
	Nodes  *CertsNodeFlags
	Output *output.Flags
	Exec   *execute.Options
	renew.Config

	NodeNames       []string
	AllControlPlane bool
}

// NewCertsRenewOptions returns every default of `certs renew`.
func NewCertsRenewOptions(g *Globals) *CertsRenewOptions {
	return &CertsRenewOptions{g: g, Nodes: NewCertsNodeFlags(), Output: output.NewFlags(), Exec: execute.NewOptions(),
		Config: renew.Config{Ops: renew.NewNodeOps(), StaticPods: renew.DefaultStaticPods, StaticNamespace: "kube-system",
			OutPeriod: 25 * time.Second, StopTimeout: 2 * time.Minute, ReadyTimeout: 3 * time.Minute}}
}

// NewCertsRenewCmd builds `kubectl akash certs renew`.
func NewCertsRenewCmd(g *Globals) *cobra.Command {
	o := NewCertsRenewOptions(g)
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
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	fs := cmd.Flags()
	fs.StringSliceVar(&o.NodeNames, "node", nil, "The control-plane node(s) to renew, in this order.")
	// Hidden, and its deprecation said on stderr here: cobra's own notice
	// would go to stdout, into -o json.
	_ = fs.MarkHidden("node")
	fs.BoolVar(&o.AllControlPlane, "all-control-plane", false, "Every node labelled "+ControlPlaneLabel+", oldest first.")
	fs.BoolVar(&o.Nodes.Local, "local", false, "Renew this machine's certificates, without a pod.")
	fs.StringVar(&o.Nodes.HostRoot, "host-root", o.Nodes.HostRoot, "With --local: the host's root directory (tools run chrooted into it when it is not /).")
	fs.DurationVar(&o.Nodes.PodTimeout, "pod-timeout", o.Nodes.PodTimeout, "How long a debug pod may take to start.")
	fs.StringVar(&o.Nodes.Namespace, "debug-namespace", o.Nodes.Namespace, "Namespace for the debug pods.")
	fs.StringVar(&o.Nodes.Image, "image", o.Nodes.Image, "Image of the debug pods; it must contain kubectl-akash.")
	fs.StringVar(&o.Nodes.NodeRoot, "node-root", o.Nodes.NodeRoot, "The node directory under which the standard paths are looked up.")
	fs.StringVar(&o.Nodes.KubernetesDir, "kubernetes-dir", "", "kubeadm's directory on the node (default <node-root>/etc/kubernetes).")
	fs.StringVar(&o.Nodes.EtcdSSLDir, "etcd-ssl-dir", "", "kubespray's etcd certificates on the node (default <node-root>/etc/ssl/etcd/ssl).")
	fs.StringVar(&o.Nodes.K3sDir, "k3s-dir", "", "k3s's --data-dir on a k3s server (default <node-root>/var/lib/rancher/k3s).")
	output.AddChunkSizeFlag(cmd, &o.Nodes.ChunkSize)
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

// Complete takes the nodes named as arguments (and by the deprecated
// --node) and the mutation flags.
func (o *CertsRenewOptions) Complete(cmd *cobra.Command, args []string) error {
	if cmd.Flags().Changed("node") {
		fmt.Fprintln(o.g.Streams.ErrOut, "Flag --node has been deprecated, name the nodes as arguments: certs renew NODE...")
	}
	o.NodeNames = append(args, o.NodeNames...)
	return o.Exec.Complete(cmd)
}

// Validate checks the flags without I/O.
func (o *CertsRenewOptions) Validate() error {
	if cli.CountTrue(len(o.NodeNames) > 0, o.AllControlPlane, o.Nodes.Local) != 1 {
		return fmt.Errorf("choose the nodes one way: NODE..., --all-control-plane, or --local")
	}
	if err := output.ValidateChunkSize(o.Nodes.ChunkSize); err != nil {
		return err
	}
	if o.OutPeriod <= 0 || o.StopTimeout <= 0 || o.ReadyTimeout <= 0 {
		return fmt.Errorf("--out-period, --stop-timeout and --ready-timeout must be positive")
	}
	for _, p := range []string{o.Nodes.NodeRoot, o.Nodes.KubernetesDir, o.Nodes.EtcdSSLDir, o.Nodes.K3sDir, o.Ops.StaticPodDir, o.Ops.BackupDir, o.Ops.EtcdEnv, o.Ops.CertDir} {
		if p != "" && !strings.HasPrefix(p, "/") {
			return fmt.Errorf("node paths must be absolute, got %q", p)
		}
	}
	if err := o.Exec.Validate(); err != nil {
		return err
	}
	o.Ops.Layout = o.Nodes.Layout()
	o.Ops.Defaults()
	return o.Output.Validate()
}

// Run reads the nodes once, plans every node (probing each one, changing
// nothing), then runs the plan → confirm → execute flow.
func (o *CertsRenewOptions) Run(ctx context.Context) error {
	clients, err := o.g.Clients()
	if err != nil && !o.Nodes.Local {
		return err
	} else if err != nil {
		clients = nil // --local goes on without the API
	}
	o.Clients, o.ErrOut, o.NodeRoot, o.Debug = clients, o.g.Streams.ErrOut, o.Nodes.NodeRoot, o.Nodes.Options()
	o.Local, o.HostRoot, o.ProcRoot = o.Nodes.Local, o.Nodes.HostRoot, o.Nodes.ProcRoot
	o.Kubeconfig = renew.Kubeconfig{File: ptr.Deref(o.g.ConfigFlags.KubeConfig, ""), Context: ptr.Deref(o.g.ConfigFlags.Context, "")}
	nodes, err := renew.ReadNodes(ctx, o.Config, o.NodeNames, o.Nodes.ChunkSize)
	if err != nil {
		return err
	}
	r := renew.New(o.Config)
	plan, err := r.Plan(ctx, nodes)
	if err != nil {
		return err
	}
	ren := r.Renewal()
	err = (&execute.Flow{Options: o.Exec, Streams: o.g.Streams, Output: o.Output, Result: ren, Plan: plan,
		Table:  func() *output.Table { return certs.RenewalTable(ren) },
		Engine: o.Exec.NewEngine().Register(r, renew.Verbs...), Question: r.Question(), After: r.Rollback}).Run(ctx)
	if ren.Status.Rollback != "" {
		fmt.Fprintln(o.g.Streams.ErrOut, ren.Status.Rollback)
	}
	return err
}
