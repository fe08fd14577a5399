package certs

import (
	"fmt"
	"path"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// NodeFlags choose the nodes of a certs command: NODE..., -l, every node
// with --all (their kubelets), or by default the control-plane nodes.
// They carry the node-debug flags (pods, image, --local) and where the
// certificates are on the node. Both certs commands bind them from here,
// each with its own wording (AddFlags, AddRenewFlags).
type NodeFlags struct {
	*nodedebug.Flags
	NodeRoot       string
	KubernetesDir  string
	EtcdSSLDir     string
	KubeletPKIDir  string
	K3sDir         string
	defaultControl bool
}

// NewNodeFlags returns the defaults.
func NewNodeFlags() *NodeFlags {
	return &NodeFlags{Flags: nodedebug.NewFlags(), NodeRoot: "/"}
}

// AddFlags binds `certs check`'s node flags, chosen as on every node
// command (NODE..., --all, -l) but for the default: the control-plane
// nodes, since every node matters only for kubelet certificates.
// --all-nodes, its name before --all, still works, hidden (Complete says
// on stderr that it is deprecated: cobra keeps pflag's own notice to itself).
func (f *NodeFlags) AddFlags(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.BoolVar(&f.All, "all", false, "Every node, not only the control plane (for the kubelets' certificates).")
	fs.BoolVar(&f.All, "all-nodes", false, "Every node: the former name of --all.")
	_ = fs.MarkHidden("all-nodes")
	fs.StringVarP(&f.Selector, "selector", "l", "", "The nodes matching this label selector (default "+ControlPlaneLabel+").")
	fs.IntVar(&f.Parallel, "parallel", f.Parallel, "How many nodes to check at once.")
	f.AddPodFlags(cmd, false)
	fs.BoolVar(&f.Local, "local", false, "Work on this machine, without a pod.")
	fs.StringVar(&f.HostRoot, "host-root", f.HostRoot, "With --local: the host's root directory.")
	f.addPathFlags(fs, false)
	output.AddChunkSizeFlag(cmd, &f.ChunkSize)
}

// AddRenewFlags binds the node flags `certs renew` takes: it names its
// nodes itself (NODE... or --all-control-plane, one node at a time), so
// there is no -l, --all or --parallel, and its kubelets' directory
// is not its business.
func (f *NodeFlags) AddRenewFlags(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.BoolVar(&f.Local, "local", false, "Renew this machine's certificates, without a pod.")
	fs.StringVar(&f.HostRoot, "host-root", f.HostRoot, "With --local: the host's root directory (tools run chrooted into it when it is not /).")
	fs.DurationVar(&f.PodTimeout, "pod-timeout", f.PodTimeout, "How long a debug pod may take to start.")
	fs.StringVar(&f.Namespace, "debug-namespace", f.Namespace, "Namespace for the debug pods.")
	fs.StringVar(&f.Image, "image", f.Image, "Image of the debug pods; it must contain kubectl-akash.")
	f.addPathFlags(fs, true)
	output.AddChunkSizeFlag(cmd, &f.ChunkSize)
}

// addPathFlags binds where the certificates are on the node, worded for
// check or for renew.
func (f *NodeFlags) addPathFlags(fs *pflag.FlagSet, renew bool) {
	root := "The directory of the node under which the standard paths (/etc/kubernetes, /etc/ssl/etcd/ssl, /var/lib/kubelet/pki, /var/lib/rancher/k3s) are looked up."
	k3s := "k3s's data directory on the node (default <node-root>/var/lib/rancher/k3s)."
	if renew {
		root = "The node directory under which the standard paths are looked up."
		k3s = "k3s's --data-dir on a k3s server (default <node-root>/var/lib/rancher/k3s)."
	}
	fs.StringVar(&f.NodeRoot, "node-root", f.NodeRoot, root)
	fs.StringVar(&f.KubernetesDir, "kubernetes-dir", "", "kubeadm's directory on the node (default <node-root>/etc/kubernetes).")
	fs.StringVar(&f.EtcdSSLDir, "etcd-ssl-dir", "", "kubespray's etcd certificates on the node (default <node-root>/etc/ssl/etcd/ssl).")
	if !renew {
		fs.StringVar(&f.KubeletPKIDir, "kubelet-pki-dir", "", "The kubelet's --cert-dir on the node (default <node-root>/var/lib/kubelet/pki).")
	}
	fs.StringVar(&f.K3sDir, "k3s-dir", "", k3s)
}

// Validate checks that nodes were chosen at most one way; none means the
// control plane.
func (f *NodeFlags) Validate(args []string) error {
	if err := output.ValidateChunkSize(f.ChunkSize); err != nil {
		return err
	}
	ways := cli.CountTrue(len(args) > 0, f.All, f.Selector != "", f.Local)
	if ways > 1 {
		return fmt.Errorf("choose the nodes one way: NODE..., --all, -l SELECTOR, or --local (default: the %s nodes)", ControlPlaneLabel)
	}
	if ways == 0 {
		f.Selector, f.defaultControl = ControlPlaneLabel, true
	}
	if err := f.ValidatePaths(); err != nil {
		return err
	}
	return f.ValidatePods()
}

// ValidatePaths checks that the node paths, and any more a command takes,
// are absolute: they are read on the node, from its root.
func (f *NodeFlags) ValidatePaths(more ...string) error {
	for _, p := range append([]string{f.NodeRoot, f.KubernetesDir, f.EtcdSSLDir, f.KubeletPKIDir, f.K3sDir}, more...) {
		if p != "" && !path.IsAbs(p) {
			return fmt.Errorf("node paths must be absolute, got %q", p)
		}
	}
	return nil
}

// ExplainNoNodes adds the way out when the default control-plane selector
// matched nothing (a cluster whose control plane is not labelled, or a
// managed one).
func (f *NodeFlags) ExplainNoNodes(err error) error {
	if f.defaultControl {
		return fmt.Errorf("%w: name the control-plane nodes (NODE...) or pass -l", err)
	}
	return err
}

// Layout is where the certificates are on the node.
func (f *NodeFlags) Layout() Layout {
	l := DefaultLayout(f.NodeRoot)
	for _, o := range []struct {
		dst *string
		v   string
	}{
		{&l.KubernetesDir, f.KubernetesDir}, {&l.EtcdSSLDir, f.EtcdSSLDir}, {&l.KubeletPKIDir, f.KubeletPKIDir}, {&l.K3sDir, f.K3sDir},
	} {
		if o.v != "" {
			*o.dst = o.v
		}
	}
	return l
}
