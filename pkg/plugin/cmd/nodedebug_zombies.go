package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/zombies"
)

// KillFlags are the --kill flags shared by `node-debug zombies` and the
// agent that carries the kill out on the node.
type KillFlags struct {
	Kill                  bool
	Grace                 time.Duration
	AllowContainerRestart bool
	Namespaces            []string
	AllNamespaces         bool
	PIDPressure           int
}

// AddFlags binds the kill and pressure flags.
func (k *KillFlags) AddFlags(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.BoolVar(&k.Kill, "kill", false, "Make the parents reap their zombies: SIGCHLD, then SIGTERM, then SIGKILL, as far as each can work, re-checking after each.")
	fs.DurationVar(&k.Grace, "grace", 15*time.Second, "With --kill: how long each signal gets before the next one.")
	fs.BoolVar(&k.AllowContainerRestart, "allow-container-restart", false, "With --kill: allow SIGKILL of a container's PID 1, which restarts the whole container.")
	// -n is kubectl's namespace flag; here it names what --kill may reach.
	fs.StringSliceVarP(&k.Namespaces, "namespace", "n", nil, "With --kill: also signal the pods of this namespace (repeatable, or a comma list). By default only pods in lease namespaces (akash.network=true) are signalled.")
	fs.BoolVarP(&k.AllNamespaces, "all-namespaces", "A", false, "With --kill: signal pods in any namespace, and pods the API could not name.")
	fs.IntVar(&k.PIDPressure, "pid-pressure", 90, "Report PID pressure when a pod's pids cgroup or the node's pid_max is this full (percent).")
}

// Validate checks the flags without I/O.
func (k *KillFlags) Validate() error {
	if k.Grace <= 0 {
		return fmt.Errorf("--grace must be positive, got %s", k.Grace)
	}
	if k.PIDPressure < 1 || k.PIDPressure > 100 {
		return fmt.Errorf("--pid-pressure is a percentage from 1 to 100, got %d", k.PIDPressure)
	}
	if !k.Kill && (len(k.Namespaces) > 0 || k.AllNamespaces) {
		return errors.New("--namespace and --all-namespaces say which pods --kill may signal; the report always shows every zombie: add --kill or drop them")
	}
	for _, ns := range k.Namespaces {
		if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
			return fmt.Errorf("--namespace %q is not a namespace name: %s", ns, errs[0])
		}
	}
	return nil
}

// options turns the flags into the kill package's options.
func (k *KillFlags) options(dryRun bool) zombies.KillOptions {
	return zombies.KillOptions{Grace: k.Grace, AllowContainerRestart: k.AllowContainerRestart, DryRun: dryRun,
		Namespaces: k.Namespaces, AllNamespaces: k.AllNamespaces}
}

// ZombiesOptions are the options of `node-debug zombies`.
type ZombiesOptions struct {
	*Globals
	Nodes  *NodeDebugFlags
	Output *output.Flags
	Exec   *execute.Options
	KillFlags

	args []string
}

// NewNodeDebugZombiesCmd builds `kubectl akash node-debug zombies`.
func NewNodeDebugZombiesCmd(g *Globals) *cobra.Command {
	o := &ZombiesOptions{Globals: g, Nodes: NewNodeDebugFlags(), Output: output.NewFlags(), Exec: execute.NewOptions()}
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
		RunE: func(cmd *cobra.Command, args []string) error {
			o.args = args
			if err := o.Exec.Complete(cmd); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Nodes.AddFlags(cmd)
	o.Output.AddFlags(cmd)
	o.Exec.AddFlags(cmd)
	o.KillFlags.AddFlags(cmd)
	return cmd
}

// Validate checks flags without I/O.
func (o *ZombiesOptions) Validate() error {
	if err := o.Nodes.Validate(o.args); err != nil {
		return err
	}
	if err := o.Output.Validate(); err != nil {
		return err
	}
	if err := o.Exec.Validate(); err != nil {
		return err
	}
	if o.Kill && o.Nodes.Local && filepath.Clean(o.Nodes.ProcRoot) != "/proc" {
		return errProcRootKill
	}
	return o.KillFlags.Validate()
}

// errProcRootKill: signals go to this machine's PIDs, so they must be
// checked against this machine's /proc, never a copy of another one.
var errProcRootKill = errors.New("--kill signals this machine's processes: it cannot be combined with a --proc-root other than /proc")

// Run scans the nodes, names pods and leases, prints, and with --kill runs
// the plan → confirm → signal flow.
func (o *ZombiesOptions) Run(ctx context.Context) error {
	list := zombies.NewList(nil)
	var err error
	if o.Nodes.Local {
		list.Items, err = o.scanLocal(ctx)
	} else {
		list.Items, err = o.scanNodes(ctx)
	}
	if err != nil {
		return err
	}
	for _, r := range list.Items {
		r.Assess(o.PIDPressure)
	}
	table := func() *output.Table { return zombies.Table(list, o.Kill) }
	if !o.Kill {
		if err := o.Output.Print(o.Streams.Out, list, table); err != nil {
			return err
		}
		return exitFor(list)
	}

	kopts := o.KillFlags.options(o.Exec.DryRun != cmdutil.DryRunNone)
	var actions []*execute.Action
	zombieCount, nodes := 0, map[string]bool{}
	for _, r := range list.Items {
		for _, a := range zombies.Plan(r, kopts) {
			actions = append(actions, a)
			if a.Result == execute.Planned {
				nodes[r.Status.Node] = true
			}
		}
		for _, p := range r.Status.Parents {
			if p.Action != nil && p.Action.Result == execute.Planned {
				zombieCount += p.Zombies
			}
		}
	}
	// One action per node: the agent signals a node's confirmed parents in
	// one run, and its report (with each parent's outcome) replaces the
	// node's.
	plan := &execute.Plan{}
	for i, r := range list.Items {
		n := 0
		for _, p := range r.Status.Parents {
			if p.Action != nil && p.Action.Result == execute.Planned {
				n++
			}
		}
		if n == 0 {
			continue
		}
		plan.Add("node "+r.Status.Node, &execute.Action{Verb: verbSignalParents, Target: nodeTarget(r.Status.Node),
			Payload: &signalNode{list: list, index: i, kill: kopts}, Outcome: execute.Outcome{Result: execute.Planned}})
	}
	flow := &execute.Flow{
		Options: o.Exec, Streams: o.Streams, Output: o.Output, Result: list, Table: table, Plan: plan,
		Engine:   o.Exec.NewEngine().Register(&signalApplier{o: o}, verbSignalParents),
		Question: fmt.Sprintf("Signal the parents of %d zombie(s) on %d node(s).", zombieCount, len(nodes)),
	}
	if err := flow.Run(ctx); err != nil {
		return err
	}
	return exitFor(list)
}

// exitFor is the check's exit code: 1 when a node could not be checked, 3
// when zombies (not cleared by --kill) or PID pressure remain.
func exitFor(l *zombies.List) error {
	failed, findings := 0, 0
	for _, r := range l.Items {
		if r.Status.Error != "" {
			failed++
			continue
		}
		if r.Status.PIDPressure {
			findings++
		}
		for _, p := range r.Status.Parents {
			cleared := p.Action != nil && p.Action.Result == execute.Succeeded
			if !cleared || (p.Pids != nil && p.Pids.Pressure) {
				findings++
			}
		}
	}
	if failed > 0 {
		return &cli.ExitError{Code: cli.ExitFailure, Err: fmt.Errorf("%d node(s) could not be checked (see the table)", failed)}
	}
	if findings > 0 {
		return cli.Silent(cli.ExitFindings)
	}
	return nil
}

// scanLocal scans this machine's /proc and names pods through the API when
// a kubeconfig is at hand (an operator on a node may have none).
func (o *ZombiesOptions) scanLocal(ctx context.Context) ([]*zombies.Report, error) {
	name, err := os.Hostname()
	if err != nil {
		name = "localhost"
	}
	r, err := zombies.Scan(o.Nodes.LocalEnv(name))
	if err != nil {
		return nil, err
	}
	reports := []*zombies.Report{r}
	if len(zombies.PodUIDs(reports)) == 0 {
		return reports, nil
	}
	clients, err := o.Clients()
	if err == nil {
		err = attribute(ctx, clients, reports, "", o.Nodes.ChunkSize)
	}
	if err != nil {
		fmt.Fprintf(o.Streams.ErrOut, "warning: pods and leases are shown by UID only: %v\n", err)
	}
	return reports, nil
}

// agentArgv is the agent's command line in the debug pods. The node's name
// is filled in from the result, so every node runs the same argv.
func agentArgv(extra ...string) []string {
	return append([]string{"kubectl-akash", "agent", "zombies", "--host-root=" + nodedebug.HostRoot, "--proc-root=/proc", "-o", "json"}, extra...)
}

// scanNodes runs the agent on the chosen nodes and names the pods.
func (o *ZombiesOptions) scanNodes(ctx context.Context) ([]*zombies.Report, error) {
	clients, err := o.Clients()
	if err != nil {
		return nil, err
	}
	results, err := o.Nodes.runOnNodes(ctx, clients, o.args, agentArgv())
	if err != nil {
		return nil, err
	}
	reports := make([]*zombies.Report, 0, len(results))
	for _, res := range results {
		reports = append(reports, reportOf(res))
	}
	node := "" // one node: its pods only
	if len(results) == 1 {
		node = results[0].Node
	}
	if len(zombies.PodUIDs(reports)) > 0 {
		if err := attribute(ctx, clients, reports, node, o.Nodes.ChunkSize); err != nil {
			return nil, err
		}
	}
	return reports, nil
}

// reportOf decodes one node's answer; a node without one gets a report
// carrying the error.
func reportOf(res nodedebug.NodeResult) *zombies.Report {
	failed := func(err error) *zombies.Report {
		r := &zombies.Report{TypeMeta: output.TypeMeta(zombies.Kind), ObjectMeta: metav1.ObjectMeta{Name: res.Node}}
		r.Status.Node, r.Status.Error, r.Status.Parents = res.Node, err.Error(), []zombies.Parent{}
		return r
	}
	if res.Err != nil {
		return failed(res.Err)
	}
	r := &zombies.Report{}
	if err := json.Unmarshal(res.Stdout, r); err != nil || r.Kind != zombies.Kind {
		return failed(fmt.Errorf("the agent's answer is not a %s report (%v): %.200q", zombies.Kind, err, res.Stdout))
	}
	r.Name, r.Status.Node = res.Node, res.Node
	if r.Status.Parents == nil {
		r.Status.Parents = []zombies.Parent{}
	}
	return r
}

// attribute names pods, containers and leases: one LIST of pods (on node,
// or everywhere) and one of lease namespaces.
func attribute(ctx context.Context, c *cli.Clients, reports []*zombies.Report, node string, chunk int64) error {
	opts := metav1.ListOptions{}
	if node != "" {
		opts.FieldSelector = fields.OneTermEqualSelector("spec.nodeName", node).String()
	}
	pods, err := cli.ListPaged[corev1.Pod](ctx, chunk, opts, func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
		return c.Kube.CoreV1().Pods("").List(ctx, o)
	})
	if err != nil {
		return cli.Explain(err, "listing pods")
	}
	nss, err := c.Kube.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: akash.ManagedSelector().String()})
	if err != nil {
		return cli.Explain(err, "listing lease namespaces")
	}
	labels := map[string]map[string]string{}
	for _, ns := range nss.Items {
		labels[ns.Name] = ns.Labels
	}
	zombies.Attribute(reports, pods, labels)
	return nil
}

// verbSignalParents signals the confirmed zombie parents of one node.
const verbSignalParents execute.Verb = "signal-parents"

// signalNode is the payload of a signal-parents action: which report of
// the list it acts on, and how.
type signalNode struct {
	list  *zombies.List
	index int
	kill  zombies.KillOptions
}

// signalApplier signals a node's planned parents: in this process with
// --local, else through the agent in a debug pod on the node, naming
// exactly those parents (PID and start time) so nothing outside the
// confirmed plan is signalled.
type signalApplier struct{ o *ZombiesOptions }

// Rehearse marks each parent with what would be sent.
func (s *signalApplier) Rehearse(a *execute.Action) execute.Outcome {
	sn := a.Payload.(*signalNode)
	k := sn.kill
	k.DryRun = true
	zombies.Execute(context.Background(), procfs.FS{}, sn.list.Items[sn.index], k)
	return execute.Outcome{Result: execute.DryRun, Message: "would " + a.Describe() + " (client dry run: nothing sent)"}
}

// Apply signals the node's parents and folds their outcomes in.
func (s *signalApplier) Apply(ctx context.Context, a *execute.Action, dryRun cmdutil.DryRunStrategy) execute.Outcome {
	sn := a.Payload.(*signalNode)
	if dryRun != cmdutil.DryRunNone {
		return s.Rehearse(a)
	}
	r := sn.list.Items[sn.index]
	failed := 0
	if s.o.Nodes.Local {
		failed = zombies.Execute(ctx, procfs.FS{Proc: s.o.Nodes.ProcRoot, Host: s.o.Nodes.HostRoot}, r, sn.kill)
	} else {
		var nr *zombies.Report
		nr, failed = s.o.killRemote(ctx, r, sn.kill)
		sn.list.Items[sn.index] = nr
	}
	if failed > 0 {
		return execute.Outcome{Result: execute.Failed, Message: fmt.Sprintf("%d parent(s) on node %s not cleared (see each parent)", failed, r.Status.Node)}
	}
	return execute.Outcome{Result: execute.Succeeded}
}

// killRemote runs the agent with --kill on r's node for its planned
// parents. The agent's report, with its outcomes, replaces the node's.
func (o *ZombiesOptions) killRemote(ctx context.Context, r *zombies.Report, k zombies.KillOptions) (*zombies.Report, int) {
	var keys []string
	for _, p := range r.Status.Parents {
		if p.Action != nil && p.Action.Result == execute.Planned {
			keys = append(keys, "--parent="+p.Key().String())
		}
	}
	argv := agentArgv(append([]string{"--kill", "--yes", "--grace=" + k.Grace.String(), "--pid-pressure=" + strconv.Itoa(o.PIDPressure)}, keys...)...)
	if k.AllowContainerRestart {
		argv = append(argv, "--allow-container-restart")
	}
	clients, err := o.Clients()
	var res nodedebug.NodeResult
	if err != nil {
		res = nodedebug.NodeResult{Node: r.Status.Node, Err: err}
	} else {
		// Each parent may take up to three grace periods (TERM, HUP, KILL).
		opts := o.Nodes.Options().WithWork(time.Duration(len(keys)) * 3 * k.Grace)
		res = nodedebug.Run(ctx, clients, opts, []string{r.Status.Node}, argv)[0]
	}
	nr := reportOf(res)
	failed := 0
	if nr.Status.Error != "" {
		for _, p := range r.Status.Parents {
			if p.Action != nil && p.Action.Result == execute.Planned {
				p.Action.Outcome = execute.Outcome{Result: execute.Failed, Message: "not signalled: " + nr.Status.Error}
				failed++
			}
		}
		return r, failed
	}
	if err := attribute(ctx, clients, []*zombies.Report{nr}, nr.Status.Node, o.Nodes.ChunkSize); err != nil {
		fmt.Fprintf(o.Streams.ErrOut, "warning: %v\n", err)
	}
	zombies.KeepSkipped(r, nr)
	nr.Assess(o.PIDPressure)
	for _, p := range nr.Status.Parents {
		if p.Action != nil && p.Action.Result.Failure() {
			failed++
		}
	}
	return nr, failed
}

// NewAgentZombiesCmd builds the hidden `kubectl-akash agent zombies`, which
// node-debug runs in its debug pods: it scans, and with --kill --yes signals
// the parents named by --parent, then prints the report (-o json). It never
// prompts: the plugin asked the operator already.
func NewAgentZombiesCmd(g *Globals, f *AgentFlags) *cobra.Command {
	var k KillFlags
	var yes bool
	var parents []string
	out := output.NewFlags()
	cmd := &cobra.Command{
		Use:   "zombies",
		Short: "Scan this node's processes for zombies (and signal their parents with --kill --yes)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			if err := k.Validate(); err != nil {
				return err
			}
			if k.Kill && !yes {
				return errors.New("the agent never prompts: --kill needs --yes (node-debug zombies asks the operator first)")
			}
			if k.Kill && filepath.Clean(f.ProcRoot) != "/proc" {
				return errProcRootKill
			}
			only := map[zombies.Key]bool{}
			for _, s := range parents {
				key, err := zombies.ParseKey(s)
				if err != nil {
					return err
				}
				only[key] = true
			}
			env := f.Env()
			r, err := zombies.Scan(env)
			if err != nil {
				return err
			}
			if k.Kill {
				ko := k.options(false)
				if len(parents) > 0 {
					// The plugin named these parents after checking their
					// namespaces against the API, which the agent cannot reach.
					ko.Only, ko.AllNamespaces = only, true
				}
				zombies.Plan(r, ko)
				zombies.Execute(cmd.Context(), procfs.FS{Proc: env.ProcRoot, Host: env.HostRoot}, r, ko)
			}
			r.Assess(k.PIDPressure)
			l := zombies.NewList([]*zombies.Report{r})
			return out.Print(g.Streams.Out, r, func() *output.Table { return zombies.Table(l, k.Kill) })
		},
	}
	out.AddFlags(cmd)
	k.AddFlags(cmd)
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "Required with --kill: the agent acts without asking.")
	cmd.Flags().StringArrayVar(&parents, "parent", nil, "With --kill: only this parent, as PID:STARTTICKS (repeatable); the plugin passes the confirmed plan.")
	return cmd
}
