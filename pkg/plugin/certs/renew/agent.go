package renew

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
)

// StepOptions are one node-side step of a renewal as the plugin sends it.
type StepOptions struct {
	// Step is the node-side step (certs.Step*).
	Step string        `json:"step"`
	Ops  certs.NodeOps `json:"ops"`
	// Restart is the static pod a restart (or restart-status) is about.
	Restart certs.Restart `json:"restart"`
	// Yes is the --yes of a plan the operator confirmed; a step that
	// changes the node refuses to run without it.
	Yes bool `json:"yes,omitempty"`
	// GuardToken is the guardian's run token (the guard step only).
	GuardToken string `json:"guardToken,omitempty"`
}

// ReadOptions name the node file `certs-renew-read` copies.
type ReadOptions struct {
	File string `json:"file"`
}

// StepFailed is the agent's exit code for a step that ran and failed: its
// report says how (agent.ExitError is for no report at all).
const StepFailed = 2

// stepCommand names the step agent, which starts itself as a guardian.
const stepCommand = "certs-renew"

// StepAgent is `kubectl-akash agent certs-renew`: one node-side step of
// `certs renew` (probe, etcd-snapshot, backup, kubeadm-certs-renew,
// restart-static-pod, restart-etcd-service, restart-status, the k3s
// steps), printed as a certs.StepReport. restart-static-pod runs the
// restart in a guardian, the same command with the guard step, which
// outlives this process and the debug pod (see certs.NodeOps.Guard).
var StepAgent = &agent.Command[StepOptions, certs.StepReport]{
	Name:     stepCommand,
	Short:    "Run one node-side step of certs renew",
	Defaults: StepOptions{Ops: certs.NodeOps{Layout: certs.DefaultLayout("/"), EtcdService: "etcd", K3sService: certs.DefaultK3sService}},
	Flags:    stepFlags,
	Run:      runStep,
	Exit: func(r certs.StepReport) int {
		if r.Error != "" {
			return StepFailed
		}
		return 0
	},
}

// ReadAgent is `kubectl-akash agent certs-renew-read`: a node file copied
// to stdout as it is (an etcd snapshot, the renewed admin kubeconfig).
var ReadAgent = &agent.Command[ReadOptions, struct{}]{
	Name:  "certs-renew-read",
	Short: "Copy a node file to stdout, for certs renew",
	Raw:   true,
	Flags: func(fs *pflag.FlagSet, o *ReadOptions) {
		fs.StringVar(&o.File, "file", "", "The node file to copy.")
	},
	Run: func(_ context.Context, env agent.Env, o ReadOptions) (struct{}, error) {
		if o.File == "" {
			return struct{}{}, errors.New("certs-renew-read needs the node file to copy")
		}
		src, err := os.Open(filepath.Join(env.HostRoot, o.File))
		if err != nil {
			return struct{}{}, err
		}
		defer src.Close()
		// The agent's stdout is the exec stream: the file goes as it is.
		_, err = io.Copy(os.Stdout, src)
		return struct{}{}, err
	},
}

func init() { agent.Register(StepAgent, ReadAgent) }

// runStep runs one step on the node. A step that changes the node runs
// only as part of a confirmed plan.
func runStep(ctx context.Context, env agent.Env, o StepOptions) (certs.StepReport, error) {
	ops := o.Ops
	ops.Host, ops.Proc = certs.Host{Root: env.HostRoot}, env.ProcRoot
	ops.Defaults()
	if ChangesTheNode(o.Step) && !o.Yes {
		return certs.StepReport{}, fmt.Errorf("agent certs-renew %s changes the node and never asks: it runs only as a step of a confirmed `kubectl akash certs renew` plan (which passes --yes)", o.Step)
	}
	switch o.Step {
	case certs.StepK3sRotate:
		// The exec stream goes when k3s (its API server and kubelet)
		// stops; the rotation must still reach its start.
		signal.Ignore(syscall.SIGHUP, syscall.SIGPIPE)
	case certs.StepGuard:
		// The guardian: no hangup or broken pipe ends it (SIGINT and
		// SIGTERM end its wait, and the manifest goes back at once); its
		// status goes to the node file the agent reads.
		signal.Ignore(syscall.SIGHUP, syscall.SIGPIPE)
		st := ops.Guard(ctx, o.Restart, o.GuardToken)
		return certs.StepReport{Guard: &st, Error: st.Error}, nil
	case certs.StepRestart:
		exe, err := os.Executable()
		if err != nil {
			return certs.StepReport{}, fmt.Errorf("finding this program to start the restart's guardian: %w", err)
		}
		ops.GuardArgv = guardArgv(exe, env, o)
	}
	return ops.RunStep(ctx, o.Step, o.Restart), nil
}

// guardArgv is how restart-static-pod starts its guardian: this program,
// the same step agent with the same settings and roots, the guard step and
// the run's token.
func guardArgv(exe string, env agent.Env, o StepOptions) func(token string) []string {
	return func(token string) []string {
		g := o
		g.Step, g.GuardToken = certs.StepGuard, token
		return agent.Reexec(exe, env, stepCommand, g)
	}
}

// ChangesTheNode reports whether a step writes to the node (everything but
// probe, restart-status and k3s-rotate-status). Such a step run by hand,
// outside a plan, is refused.
func ChangesTheNode(step string) bool {
	switch step {
	case certs.StepProbe, certs.StepRestartStatus, certs.StepK3sStatus:
		return false
	}
	return true
}

// stepFlags are the step agent's flags, for a person running it by hand;
// the plugin sends the same as --options.
func stepFlags(fs *pflag.FlagSet, o *StepOptions) {
	fs.StringVar(&o.Step, "step", "", "The step: probe, etcd-snapshot, backup, kubeadm-certs-renew, restart-static-pod, restart-etcd-service, restart-status, ...")
	fs.BoolVarP(&o.Yes, "yes", "y", false, "Required by the steps that change the node: certs renew passes it once the operator confirmed the plan.")
	fs.StringVar(&o.Restart.Name, "component", "", "The static pod to restart (its manifest's base name).")
	fs.DurationVar(&o.Restart.Out, "out", 25*time.Second, "How long the manifest stays out at least.")
	fs.DurationVar(&o.Restart.Timeout, "stop-timeout", 2*time.Minute, "How much longer to wait for the pod's processes to end.")
	l := &o.Ops.Layout
	fs.StringVar(&l.KubernetesDir, "kubernetes-dir", l.KubernetesDir, "kubeadm's directory.")
	fs.StringVar(&l.K3sDir, "k3s-dir", l.K3sDir, "k3s's data directory.")
	AddNodeOpsFlags(fs, &o.Ops)
}

// AddNodeOpsFlags binds where a renewal works on the node (shared by
// `certs renew` and its agent).
func AddNodeOpsFlags(fs *pflag.FlagSet, o *certs.NodeOps) {
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

// NewNodeOps are the defaults of where a renewal works on the node.
func NewNodeOps() *certs.NodeOps {
	o := StepAgent.Defaults.Ops
	return &o
}
