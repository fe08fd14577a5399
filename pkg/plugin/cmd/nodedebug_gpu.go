package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu"
)

// NewNodeDebugGPUCmd builds `kubectl akash node-debug gpu`.
func NewNodeDebugGPUCmd(g *Globals) *cobra.Command {
	o := gpu.NewGPUOptions(&g.Globals)
	cmd := &cobra.Command{
		Use:   "gpu (NODE... | --all | -l SELECTOR | --local)",
		Short: "Check each GPU node's driver, Xids, fabric manager, device plugin and Akash GPU labels",
		Long: longDesc(`
			The GPU provider runbook as one command. On each node the agent runs the
			host's own nvidia-smi (-L, --query-gpu, -q) chrooted into the host's root,
			compares the kernel module version (/proc/driver/nvidia/version) with the
			user-space driver, checks the device nodes CUDA needs (/dev/nvidiactl,
			/dev/nvidia-uvm, /dev/nvidiaN), groups the kernel log's NVRM Xid lines by
			GPU and code (critical, application-caused or other), and reports "fallen off
			the bus" (Xid 79, or driver 570+'s multi-line message with no Xid), API
			mismatch and NVSwitch SXid messages. Times come from the live /dev/kmsg,
			dated from the node's boot; a saved log (--kernel-log) keeps its own dates
			(dmesg -T, --time-format=iso) or says "at uptime N s", since its boot is not
			the node's current one. On NVSwitch (SXM) systems
			it checks the Fabric state, that nv-fabricmanager runs, and that its version
			is the driver's (else CUDA fails with Error 802: system not yet initialized).

			The cluster side (one read for all nodes) compares nvidia.com/gpu capacity and
			allocatable with the GPUs seen, finds the NVIDIA device plugin DaemonSet by its
			image in any namespace and whether its pod on the node is Ready, and checks the
			Akash labels akash.network/capabilities.gpu.vendor.<vendor>.model.<model>
			against the real model. --all checks the nodes that advertise nvidia.com/gpu or
			carry such labels. -o json has every finding with its suggested fix.

			Each node is named operator- or host-managed. On a node the NVIDIA GPU
			operator manages (the validator's /run/nvidia/validations exists, or the
			driver container's root /run/nvidia/driver holds nvidia-smi) the host may have
			no nvidia-smi: it runs from the driver root instead, and each missing
			validation file (driver-ready, toolkit-ready, plugin-ready, cuda-ready) is a
			finding. The cluster side then adds the operator's pods on the node (its
			DaemonSets, owned by the ClusterPolicy or labelled part of gpu-operator, with
			one LIST of their namespace's pods) and the ClusterPolicy's state; a cluster
			without the ClusterPolicy CRD is not an operator cluster.

			Exit codes: 0 every node is Healthy or Degraded (warnings only); 3 a node is
			Unhealthy; 1 the command failed or a node could not be checked.`),
		Example: examples(`
			# Every GPU node
			kubectl akash node-debug gpu --all

			# One node, every finding and fix
			kubectl akash node-debug gpu gpu-node-1 -o json

			# On the node itself, with a saved kernel log
			kubectl akash node-debug gpu --local --kernel-log /var/log/kern.log`),
		RunE: runSteps(o),
	}
	o.Nodes.AddFlags(cmd)
	o.Output.AddFlags(cmd)
	cmd.Flags().StringVar(&o.KernelLog, "kernel-log", "", "Read this kernel log file on the node (dmesg, dmesg -T, dmesg --time-format=iso or /dev/kmsg lines) instead of /dev/kmsg.")
	cmd.Flags().DurationVar(&o.ToolTimeout, "tool-timeout", o.ToolTimeout, "How long each nvidia-smi or nv-fabricmanager run may take (a hung nvidia-smi is a finding).")
	return cmd
}
