package certs

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
)

// ScanOptions say where a node's certificates are and which kubeadm to
// compare with ("" = found in /usr/local/bin, /usr/bin, /opt/bin).
type ScanOptions struct {
	Layout  Layout `json:"layout"`
	Kubeadm string `json:"kubeadm,omitempty"`
}

// CheckAgent is `kubectl-akash agent certs`: the node's certificates as
// one NodeCertificates, facts only (the plugin judges them with its own
// clock and window), with the node's kubeadm's view compared when it has
// one. --local runs the same function on this machine.
var CheckAgent = &agent.Command[ScanOptions, NodeCertificates]{
	Name:     "certs",
	Short:    "Print this node's certificates as JSON",
	Defaults: ScanOptions{Layout: DefaultLayout("/")},
	// The layout flags serve `certs renew`, which scans a node's
	// certificates with them between its steps.
	Flags: func(fs *pflag.FlagSet, o *ScanOptions) {
		fs.StringVar(&o.Layout.KubernetesDir, "kubernetes-dir", o.Layout.KubernetesDir, "kubeadm's directory.")
		fs.StringVar(&o.Layout.EtcdSSLDir, "etcd-ssl-dir", o.Layout.EtcdSSLDir, "kubespray's etcd certificates.")
		fs.StringVar(&o.Layout.KubeletPKIDir, "kubelet-pki-dir", o.Layout.KubeletPKIDir, "The kubelet's certificate directory.")
		fs.StringVar(&o.Layout.K3sDir, "k3s-dir", o.Layout.K3sDir, "k3s's data directory.")
		fs.StringVar(&o.Kubeadm, "kubeadm", "", "kubeadm on the node, to cross-check with (default: found in /usr/local/bin, /usr/bin, /opt/bin).")
	},
	Run: func(ctx context.Context, env agent.Env, o ScanOptions) (NodeCertificates, error) {
		n := NewNode(env.NodeName)
		h := Host{Root: env.HostRoot}
		n.Status.Certificates = Scan(h, o.Layout)
		n.Status.Kubeadm = CrossCheckKubeadm(ctx, h, o.Layout, o.Kubeadm, n.Status.Certificates)
		return n, nil
	},
	Kind: Kind,
}

func init() { agent.Register(CheckAgent) }

// FromAnswer is one node's certificates, or a node whose Status.Error
// says why there are none.
func FromAnswer(a agent.Answer) NodeCertificates {
	n, err := CheckAgent.Decode(a)
	if err != nil {
		n = NewNode(a.Node)
		n.Status.Error = err.Error()
	}
	n.Name = a.Node
	return n
}

// KubeadmWarnings are the lines `certs check` prints on stderr: each
// disagreement with a node's kubeadm, and each node whose kubeadm could
// not be asked.
func (l *List) KubeadmWarnings() []string {
	var out []string
	for _, n := range l.Items {
		k := n.Status.Kubeadm
		if k == nil {
			continue
		}
		for _, d := range k.Disagreements {
			out = append(out, fmt.Sprintf("warning: node %s: kubeadm %s disagrees: %s", n.Name, k.Version, d))
		}
		if k.Error != "" {
			out = append(out, fmt.Sprintf("warning: node %s: could not cross-check with kubeadm: %s", n.Name, k.Error))
		}
	}
	return out
}
