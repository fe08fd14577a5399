package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/zombies"
)

// NewNodeDebugZombiesCmd builds `kubectl akash node-debug zombies`.
func NewNodeDebugZombiesCmd(g *Globals) *cobra.Command {
	o := zombies.NewZombiesOptions(&g.Globals)
	cmd := &cobra.Command{
		Use:   "zombies (NODE... | --all | -l SELECTOR | --local)",
		Short: "Find zombie processes, name their pod and lease, and make their parents reap them",
		Long: longDesc(`
			Tenant images without an init process leave defunct (zombie) children that count
			against the pod's pids limit until nothing can fork. zombies reads every
			process of the node once, finds all zombies, groups them by parent, and
			attributes each parent to its pod, container and lease (from its cgroup and
			the pods on that node). Per parent it shows whether it is the container's
			PID 1, whether it catches SIGCHLD, how many zombies it holds and since when,
			and the pod's pids cgroup usage against its limit; the node's threads
			against pid_max are in -o wide.

			--kill makes each parent reap: SIGCHLD (only when it has a handler), then
			SIGTERM (not to a container's PID 1 without a SIGTERM handler: the kernel
			drops it), then SIGKILL, waiting up to --grace after each while re-checking
			the zombies. Signals go through a pidfd opened once and checked against the
			parent's start time, so a recycled PID is never hit. Only processes in a pod's
			container, as their cgroup says, are signalled, never containerd, the kubelet
			or a host process (a process's name proves nothing: anything can call itself
			containerd-shim). Only pods in lease namespaces (akash.network=true) are
			signalled unless --namespace NS or --all-namespaces widens that; zombies
			elsewhere (kube-system, the provider, ingress, CNI) are reported and skipped,
			and so is a pod the API could not name. SIGKILL of a container's PID 1
			restarts the container and needs --allow-container-restart; with it, when
			killing a worker hands its zombies to its container's init, which does not
			reap them either, the same run goes on to kill that init. The plan is printed
			first and needs --yes or an interactive y; --dry-run (client or server alike)
			sends nothing.

			Exit codes: 0 no zombies and no PID pressure; 3 zombies or PID pressure found
			(after --kill: some remain); 1 the command failed, a node could not be
			checked, or a kill did not clear its zombies.`),
		Example: examples(`
			# Every node, through short-lived debug pods
			kubectl akash node-debug zombies --all

			# This machine, without a pod (e.g. from the node's crontab)
			kubectl akash node-debug zombies --local

			# What --kill would send, then do it
			kubectl akash node-debug zombies node-1 --kill --dry-run=client
			kubectl akash node-debug zombies node-1 --kill --allow-container-restart --yes

			# Also the pods of kube-system, not only lease pods
			kubectl akash node-debug zombies node-1 --kill -n kube-system`),
		RunE: runSteps(o),
	}
	o.Nodes.AddFlags(cmd)
	o.Output.AddFlags(cmd)
	o.Exec.AddFlags(cmd)
	o.KillFlags.AddFlags(cmd.Flags())
	return cmd
}
