package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodecheck"
)

// NewNodeDebugHealthCmd builds `kubectl akash node-debug health`.
func NewNodeDebugHealthCmd(g *Globals) *cobra.Command {
	o := nodecheck.NewHealthOptions(&g.Globals)
	cmd := &cobra.Command{
		Use:   "health (NODE... | --all | -l SELECTOR | --local)",
		Short: "Check nodes for PID, memory-cgroup, mount, kubelet and memory-pressure problems, each tied to its pod and lease",
		Long: longDesc(`
			Runs every node check (or those --checks names, minus --skip) on each node
			through one debug pod per node, and ties each finding to its pod and lease:
			zombies; PID headroom (pid_max, threads-max, the kubelet's podPidsLimit, pods
			near pids.max, top pods by PIDs); dying memory cgroups; leaked volume mounts
			of pods no longer on the node and piled-up transient mount units; kubelet
			settings that stall a dense node; PSI pressure, recent OOM kills and swap;
			control-plane certificates (certs check's, on control-plane nodes only) and
			NVIDIA GPUs (node-debug gpu's, on GPU nodes only; elsewhere: not applicable).
			Every finding has a stable code (NCnnn), a severity and its fix.

			The kubelet's live configuration is read through the API server, one GET of
			nodes/NODE/proxy/configz per node (RBAC: get on nodes/proxy). The pods of all
			namespaces and the lease namespaces are listed once to name pods and leases.
			When that read fails, the file the running kubelet was started with (its
			--config) is judged instead, and the report says why. With --local the checks
			read this machine (or --host-root/--proc-root), the kubelet's configuration
			comes from --kubelet-config (else the running kubelet's file), and pods are
			named when a kubeconfig is at hand.

			Exit codes: 0 nothing found; 3 a warning or an error was found; 1 the command
			failed, a node could not be checked, or a check could not run.`),
		Example: examples(`
			# Every node
			kubectl akash node-debug health --all

			# Two checks on one node, every finding with its fix
			kubectl akash node-debug health node-1 --checks pids,kubelet -o wide

			# On the node itself, with its kubelet configuration and a saved kernel log
			kubectl akash node-debug health --local --kubelet-config /var/lib/kubelet/config.yaml --kernel-log /var/log/kern.log`),
		RunE: runSteps(o),
	}
	o.Nodes.AddFlags(cmd)
	o.Output.AddFlags(cmd)
	fs := cmd.Flags()
	fs.StringSliceVar(&o.Checks, "checks", nil, "Run only these checks (comma list): "+nodecheck.NameList()+".")
	fs.StringSliceVar(&o.Skip, "skip", nil, "Do not run these checks (comma list).")
	fs.StringVar(&o.Check.KernelLog, "kernel-log", "", "Read this kernel log file on the node (dmesg, dmesg -T, dmesg --time-format=iso or /dev/kmsg lines) instead of /dev/kmsg.")
	fs.DurationVar(&o.Check.OOMWindow, "oom-window", o.Check.OOMWindow, "Report OOM kills of this long ago at most.")
	fs.IntVar(&o.Check.PIDPressure, "pid-pressure", o.Check.PIDPressure, "Report PID pressure when a PID limit is this full (percent).")
	fs.StringVar(&o.KubeletConfig, "kubelet-config", "", "With --local: the kubelet's configuration file (e.g. /var/lib/kubelet/config.yaml).")
	return cmd
}
