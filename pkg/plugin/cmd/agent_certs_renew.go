package cmd

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// newAgentCertsRenewCmd is `agent certs-renew STEP`: one node-side step of
// `certs renew` (probe, etcd-snapshot, backup, kubeadm-certs-renew,
// restart-static-pod, restart-etcd-service, restart-status), printed as a
// StepReport; exit 1 when the step failed. `read FILE` copies a node file
// to stdout (the snapshot, admin.conf). restart-static-pod runs the
// restart in a guardian, `certs-renew guard` with the same flags, which
// outlives this process and the debug pod (see certs.NodeOps.Guard).
func newAgentCertsRenewCmd(g *Globals, f *AgentFlags) *cobra.Command {
	ops := &certs.NodeOps{Layout: certs.DefaultLayout("/")}
	var r certs.Restart
	var token string
	var yes bool
	cmd := &cobra.Command{
		Use:   "certs-renew STEP | read FILE",
		Short: "Run one node-side step of certs renew",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ops.Host = certs.Host{Root: f.HostRoot}
			ops.Proc = f.ProcRoot
			ops.Defaults()
			if args[0] == "read" && len(args) == 2 {
				src, err := os.Open(filepath.Join(f.HostRoot, args[1]))
				if err != nil {
					return err
				}
				defer src.Close()
				_, err = io.Copy(g.Streams.Out, src)
				return err
			}
			if changesTheNode(args[0]) && !yes {
				return fmt.Errorf("agent certs-renew %s changes the node and never asks: it runs only as a step of a confirmed `kubectl akash certs renew` plan (which passes --yes)", args[0])
			}
			switch args[0] {
			case certs.StepK3sRotate:
				// The exec stream goes when k3s (its API server and kubelet)
				// stops; the rotation must still reach its start.
				signal.Ignore(syscall.SIGHUP, syscall.SIGPIPE)
			case certs.StepGuard:
				return runGuard(cmd, ops, r, token)
			case certs.StepRestart:
				argv, err := guardArgv(cmd)
				if err != nil {
					return err
				}
				ops.GuardArgv = argv
			}
			rep := ops.RunStep(cmd.Context(), args[0], r)
			if err := json.NewEncoder(g.Streams.Out).Encode(rep); err != nil {
				return err
			}
			if rep.Error != "" {
				return cli.Silent(cli.ExitFailure)
			}
			return nil
		},
	}
	addLayoutFlags(cmd, &ops.Layout)
	addNodeOpsFlags(cmd, ops)
	fs := cmd.Flags()
	fs.StringVar(&r.Name, "component", "", "The static pod to restart (its manifest's base name).")
	fs.StringVar(&r.PodUID, "pod-uid", "", "The static pod's UID, to wait for its processes to end.")
	fs.DurationVar(&r.Out, "out", 25*time.Second, "How long the manifest stays out at least.")
	fs.DurationVar(&r.Timeout, "stop-timeout", 2*time.Minute, "How much longer to wait for the pod's processes to end.")
	fs.BoolVarP(&yes, "yes", "y", false, "Required by the steps that change the node: certs renew passes it once the operator confirmed the plan.")
	fs.StringVar(&token, "guard-token", "", "The guardian's run token (set by restart-static-pod).")
	_ = fs.MarkHidden("guard-token")
	return cmd
}

// changesTheNode reports whether a step writes to the node (everything but
// reading: probe, restart-status, read). Such a step run by hand, outside
// a plan, is refused.
func changesTheNode(step string) bool {
	switch step {
	case "probe", certs.StepRestartStatus, certs.StepK3sStatus, "read":
		return false
	}
	return true
}

// guardArgv is how restart-static-pod starts its guardian: this binary,
// `agent certs-renew guard`, and every flag this invocation was given.
func guardArgv(cmd *cobra.Command) ([]string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding this program to start the restart's guardian: %w", err)
	}
	argv := []string{exe, "agent", "certs-renew", certs.StepGuard}
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		argv = append(argv, "--"+fl.Name+"="+fl.Value.String())
	})
	return argv, nil
}

// runGuard is the guardian process: no hangup or broken pipe ends it
// (SIGINT and SIGTERM end its wait, and the manifest goes back at once);
// its status goes to the node file the agent reads, and to stdout.
func runGuard(cmd *cobra.Command, ops *certs.NodeOps, r certs.Restart, token string) error {
	signal.Ignore(syscall.SIGHUP, syscall.SIGPIPE)
	st := ops.Guard(cmd.Context(), r, token)
	_ = json.NewEncoder(cmd.OutOrStdout()).Encode(st)
	if st.Error != "" {
		return cli.Silent(cli.ExitFailure)
	}
	return nil
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
	fs.StringVar(&o.EtcdService, "etcd-service", "etcd", "kubespray's etcd systemd unit, restarted where etcd is not a static pod (\"\" = leave it alone).")
	fs.StringVar(&o.CertDir, "cert-dir", o.CertDir, "kubeadm's --cert-dir on the node (default <kubernetes-dir>/pki).")
	fs.StringVar(&o.K3s, "k3s", o.K3s, "k3s on a k3s server (default: found in /usr/local/bin, /usr/bin, /opt/bin).")
	fs.StringVar(&o.K3sService, "k3s-service", certs.DefaultK3sService, "k3s's systemd unit on a k3s server, stopped for the rotation and started again.")
	fs.StringVar(&o.Systemctl, "systemctl", o.Systemctl, "systemctl on the node (default: the node's, from its PATH).")
}
