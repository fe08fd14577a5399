package renew

import (
	"io"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
)

// DefaultStaticPods are the control-plane static pods restarted after a
// renewal, in this order (etcd, when it is a static pod on the node, first).
var DefaultStaticPods = []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler"}

// Work bounds one node's renewal in its debug pod: snapshot, backup,
// kubeadm, and up to four static pods restarted and awaited one by one.
const Work = 2 * time.Hour

// Config is what the operator chose for a renewal.
type Config struct {
	// Ops are the node-side settings, with their defaults filled
	// (certs.NodeOps.Defaults); the debug pod's agent gets them as flags.
	Ops *certs.NodeOps
	// StaticPods are restarted in this order; StaticNamespace holds their
	// mirror pods.
	StaticPods      []string
	StaticNamespace string
	// OutPeriod is how long a manifest stays out at least, StopTimeout how
	// much longer its processes may take to end, ReadyTimeout how long a
	// restarted component (or a k3s node) may take to be Ready.
	OutPeriod, StopTimeout, ReadyTimeout time.Duration
	// SnapshotDir, when set, receives a copy of each node's etcd snapshot.
	SnapshotDir string
	// UpdateKubeconfig puts the first node's renewed admin credentials
	// into the operator's kubeconfig: File (--kubeconfig, "" = the usual
	// places), in Context ("" = the current context).
	UpdateKubeconfig bool
	Kubeconfig       Kubeconfig
	// NodeRoot is the node directory the standard paths are under.
	NodeRoot string
	// Local renews this machine (under HostRoot, its /proc at ProcRoot)
	// instead of nodes through debug pods (Debug).
	Local              bool
	HostRoot, ProcRoot string
	Debug              nodedebug.Options
	// Clients reach the API server; nil only with Local (then restarts
	// and Ready are not confirmed through the API).
	Clients *cli.Clients
	// ErrOut receives warnings and what happens while the debug pod is
	// released.
	ErrOut io.Writer
}

// Kubeconfig names the operator's kubeconfig for --update-kubeconfig.
type Kubeconfig struct {
	File, Context string
}
