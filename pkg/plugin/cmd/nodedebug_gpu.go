package cmd

import (
	"context"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// GPUOptions are `node-debug gpu`'s.
type GPUOptions struct {
	g      *Globals
	Nodes  *NodeDebugFlags
	Output *output.Flags
	// KernelLog is a saved kernel log on the node, instead of /dev/kmsg.
	KernelLog string
	// ToolTimeout bounds each nvidia-smi / nv-fabricmanager run.
	ToolTimeout time.Duration
	args        []string
}

// NewNodeDebugGPUCmd builds `kubectl akash node-debug gpu`.
func NewNodeDebugGPUCmd(g *Globals) *cobra.Command {
	o := &GPUOptions{g: g, Nodes: NewNodeDebugFlags(), Output: output.NewFlags(), ToolTimeout: 30 * time.Second}
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
		RunE: func(cmd *cobra.Command, args []string) error {
			o.args = args
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Nodes.AddFlags(cmd)
	o.Output.AddFlags(cmd)
	cmd.Flags().StringVar(&o.KernelLog, "kernel-log", "", "Read this kernel log file on the node (dmesg, dmesg -T, dmesg --time-format=iso or /dev/kmsg lines) instead of /dev/kmsg.")
	cmd.Flags().DurationVar(&o.ToolTimeout, "tool-timeout", o.ToolTimeout, "How long each nvidia-smi or nv-fabricmanager run may take (a hung nvidia-smi is a finding).")
	return cmd
}

// Validate checks the flags without I/O.
func (o *GPUOptions) Validate() error {
	if err := o.Nodes.Validate(o.args); err != nil {
		return err
	}
	if o.ToolTimeout <= 0 {
		return fmt.Errorf("--tool-timeout must be positive, got %s", o.ToolTimeout)
	}
	return o.Output.Validate()
}

// agentArgv is the agent's command line in a debug pod.
func (o *GPUOptions) agentArgv() []string {
	argv := []string{"kubectl-akash", "agent", "gpu", "--host-root=" + nodedebug.HostRoot, "--proc-root=/proc", "--tool-timeout=" + o.ToolTimeout.String()}
	if o.KernelLog != "" {
		argv = append(argv, "--kernel-log="+o.KernelLog)
	}
	return argv
}

// Run checks the nodes, prints, and sets the exit code.
func (o *GPUOptions) Run(ctx context.Context) error {
	list := gpu.NewList()
	opts := gpu.Options{KernelLog: o.KernelLog, Timeout: o.ToolTimeout}
	if o.Nodes.Local {
		host, _ := os.Hostname()
		list.Items = append(list.Items, gpu.Collect(ctx, o.Nodes.LocalEnv(host), opts))
	} else {
		items, err := o.runFleet(ctx)
		if err != nil {
			return err
		}
		list.Items = items
	}
	for i := range list.Items {
		list.Items[i].Status.Assess()
	}
	if err := o.Output.Print(o.g.Streams.Out, list, func() *output.Table { return gpu.Table(list) }); err != nil {
		return err
	}
	code := cli.ExitOK
	for _, n := range list.Items {
		switch n.Status.Verdict {
		case gpu.VerdictUnknown:
			code = cli.ExitFailure
		case gpu.VerdictUnhealthy:
			if code == cli.ExitOK {
				code = cli.ExitFindings
			}
		}
	}
	if code != cli.ExitOK {
		return cli.Silent(code)
	}
	return nil
}

// runFleet reads the cluster once, picks the nodes (--all: the GPU nodes),
// runs the agent on them and joins each report with the cluster's side.
func (o *GPUOptions) runFleet(ctx context.Context) ([]gpu.GPUNode, error) {
	clients, err := o.g.Clients()
	if err != nil {
		return nil, err
	}
	view, err := gpu.ReadCluster(ctx, clients)
	if err != nil {
		return nil, err
	}
	args, nodes := o.args, *o.Nodes
	if nodes.All {
		for name, n := range view.Nodes {
			if gpu.IsGPUNode(n) {
				args = append(args, name)
			}
		}
		sort.Strings(args)
		if len(args) == 0 {
			fmt.Fprintln(o.g.Streams.ErrOut, "no node advertises nvidia.com/gpu or carries an akash.network/capabilities.gpu.* label; name nodes to check them anyway")
			return nil, nil
		}
		nodes.All = false // the GPU nodes are named instead
	}
	// The nodes were read with the cluster's side: chosen from that read.
	listed := make([]corev1.Node, 0, len(view.Nodes))
	for _, n := range view.Nodes {
		listed = append(listed, *n)
	}
	ready, problems, err := nodedebug.ChooseNodes(listed, args, nodes.Selector)
	if err != nil {
		return nil, err
	}
	results := nodes.runOn(ctx, clients, o.g.Streams.ErrOut, ready, problems, o.agentArgv())
	items := make([]gpu.GPUNode, 0, len(results))
	for _, r := range results {
		n := gpuFromResult(r)
		gpu.Join(&n, view)
		items = append(items, n)
	}
	return items, nil
}

// gpuFromResult decodes one node's agent report, or records why there is none.
func gpuFromResult(r nodedebug.NodeResult) gpu.GPUNode {
	var n gpu.GPUNode
	err := agentReport(r, &n)
	n.TypeMeta = output.TypeMeta(gpu.Kind)
	n.ObjectMeta = metav1.ObjectMeta{Name: r.Node}
	if err != nil {
		n.Status = gpu.Status{Error: err.Error()}
	}
	return n
}
