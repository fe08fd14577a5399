package cmd

import (
	"fmt"
	"path"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// ControlPlaneLabel marks the nodes `certs` works on by default.
const ControlPlaneLabel = certs.ControlPlaneLabel

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

// CertsNodeFlags choose the nodes of a certs command: NODE..., -l, every
// node with --all-nodes (their kubelets), or by default the control-plane
// nodes. They carry the node-debug flags (pods, image, --local) and where
// the certificates are on the node.
type CertsNodeFlags struct {
	*nodedebug.Flags
	NodeRoot       string
	KubernetesDir  string
	EtcdSSLDir     string
	KubeletPKIDir  string
	K3sDir         string
	defaultControl bool
}

// NewCertsNodeFlags returns the defaults.
func NewCertsNodeFlags() *CertsNodeFlags {
	return &CertsNodeFlags{Flags: nodedebug.NewFlags(), NodeRoot: "/"}
}

// AddFlags binds the flags. --all is --all-nodes here: the default is the
// control-plane nodes, and every node matters only for kubelet certificates.
func (f *CertsNodeFlags) AddFlags(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.BoolVar(&f.All, "all-nodes", false, "Every node, not only the control plane (for the kubelets' certificates).")
	fs.StringVarP(&f.Selector, "selector", "l", "", "The nodes matching this label selector (default "+ControlPlaneLabel+").")
	fs.IntVar(&f.Parallel, "parallel", f.Parallel, "How many nodes to check at once.")
	f.AddPodFlags(cmd, false)
	fs.BoolVar(&f.Local, "local", false, "Work on this machine, without a pod.")
	fs.StringVar(&f.HostRoot, "host-root", f.HostRoot, "With --local: the host's root directory.")
	fs.StringVar(&f.NodeRoot, "node-root", f.NodeRoot, "The directory of the node under which the standard paths (/etc/kubernetes, /etc/ssl/etcd/ssl, /var/lib/kubelet/pki, /var/lib/rancher/k3s) are looked up.")
	fs.StringVar(&f.KubernetesDir, "kubernetes-dir", "", "kubeadm's directory on the node (default <node-root>/etc/kubernetes).")
	fs.StringVar(&f.EtcdSSLDir, "etcd-ssl-dir", "", "kubespray's etcd certificates on the node (default <node-root>/etc/ssl/etcd/ssl).")
	fs.StringVar(&f.KubeletPKIDir, "kubelet-pki-dir", "", "The kubelet's --cert-dir on the node (default <node-root>/var/lib/kubelet/pki).")
	fs.StringVar(&f.K3sDir, "k3s-dir", "", "k3s's data directory on the node (default <node-root>/var/lib/rancher/k3s).")
	output.AddChunkSizeFlag(cmd, &f.ChunkSize)
}

// Validate checks that nodes were chosen at most one way; none means the
// control plane.
func (f *CertsNodeFlags) Validate(args []string) error {
	if err := output.ValidateChunkSize(f.ChunkSize); err != nil {
		return err
	}
	ways := cli.CountTrue(len(args) > 0, f.All, f.Selector != "", f.Local)
	if ways > 1 {
		return fmt.Errorf("choose the nodes one way: NODE..., --all-nodes, -l SELECTOR, or --local (default: the %s nodes)", ControlPlaneLabel)
	}
	if ways == 0 {
		f.Selector, f.defaultControl = ControlPlaneLabel, true
	}
	for _, p := range []string{f.NodeRoot, f.KubernetesDir, f.EtcdSSLDir, f.KubeletPKIDir, f.K3sDir} {
		if p != "" && !path.IsAbs(p) {
			return fmt.Errorf("node paths must be absolute, got %q", p)
		}
	}
	return f.ValidatePods()
}

// Layout is where the certificates are on the node.
func (f *CertsNodeFlags) Layout() certs.Layout {
	l := certs.DefaultLayout(f.NodeRoot)
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

// parseWarn reads --warn: a Go duration or a number of days ("30d").
func parseWarn(s string) (time.Duration, error) {
	if s == "" || s == "0" {
		return 0, nil
	}
	var days int
	if n, err := fmt.Sscanf(s, "%dd", &days); err == nil && n == 1 && fmt.Sprintf("%dd", days) == s {
		if days < 0 {
			return 0, fmt.Errorf("--warn must not be negative, got %q", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("--warn takes days (30d) or a duration (720h), got %q", s)
	}
	return d, nil
}

// nodeTarget names a node as the target of a node step.
func nodeTarget(node string) execute.Target { return certs.NodeTarget(node) }
