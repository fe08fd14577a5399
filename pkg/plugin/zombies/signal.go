package zombies

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// VerbSignalParents signals the confirmed zombie parents of one node.
const VerbSignalParents execute.Verb = "signal-parents"

// PlanKill plans the kill on every node of l: each parent gets its signal
// action, Planned or Skipped with why (Plan), and each node with planned
// parents one signal-parents action, because the agent signals a node's
// confirmed parents in one run and its report (with each parent's outcome)
// replaces the node's. The question states what the operator confirms.
func PlanKill(l *List, o KillOptions) (plan *execute.Plan, question string) {
	plan = &execute.Plan{}
	zombies, nodes := 0, 0
	for i, r := range l.Items {
		Plan(r, o)
		planned := 0
		for _, p := range r.Status.Parents {
			if p.Action != nil && p.Action.Result == execute.Planned {
				planned++
				zombies += p.Zombies
			}
		}
		if planned == 0 {
			continue
		}
		nodes++
		plan.Add("node "+r.Status.Node, &execute.Action{Verb: VerbSignalParents,
			Target:  execute.Target{Version: "v1", Resource: "nodes", Kind: "Node", Name: r.Status.Node},
			Payload: &nodeKill{list: l, index: i}, Outcome: execute.Outcome{Result: execute.Planned}})
	}
	return plan, fmt.Sprintf("Signal the parents of %d zombie(s) on %d node(s).", zombies, nodes)
}

// nodeKill is the payload of a signal-parents action: which report of the
// list it acts on.
type nodeKill struct {
	list  *List
	index int
}

// SignalApplier signals a node's planned parents: in this process with
// Local, else through the agent in a debug pod on the node, naming exactly
// those parents (PID and start time) so nothing outside the confirmed plan
// is signalled.
type SignalApplier struct {
	Kill        KillOptions
	PIDPressure int
	// Local, when set, is this machine's /proc and root (--local).
	Local *procfs.FS
	// Clients and Debug run the agent on the nodes otherwise.
	Clients *cli.Clients
	Debug   nodedebug.Options
	// Pods and Namespaces name the pods of the agent's new report: the
	// ones the run read once, before the plan.
	Pods       []corev1.Pod
	Namespaces []corev1.Namespace
}

// Rehearse marks each parent with what would be sent.
func (s *SignalApplier) Rehearse(a *execute.Action) execute.Outcome {
	nk := a.Payload.(*nodeKill)
	k := s.Kill
	k.DryRun = true
	Execute(context.Background(), procfs.FS{}, nk.list.Items[nk.index], k)
	return execute.Outcome{Result: execute.DryRun, Message: "would " + a.Describe() + " (client dry run: nothing sent)"}
}

// Apply signals the node's parents and folds their outcomes in.
func (s *SignalApplier) Apply(ctx context.Context, a *execute.Action, dryRun cmdutil.DryRunStrategy) execute.Outcome {
	nk := a.Payload.(*nodeKill)
	if dryRun != cmdutil.DryRunNone {
		return s.Rehearse(a)
	}
	r := nk.list.Items[nk.index]
	failed := 0
	if s.Local != nil {
		failed = Execute(ctx, *s.Local, r, s.Kill)
	} else {
		nk.list.Items[nk.index], failed = s.remote(ctx, r)
	}
	if failed > 0 {
		return execute.Outcome{Result: execute.Failed, Message: fmt.Sprintf("%d parent(s) on node %s not cleared (see each parent)", failed, r.Status.Node)}
	}
	return execute.Outcome{Result: execute.Succeeded}
}

// remote runs the agent with --kill on r's node for its planned parents.
// The agent's report, with its outcomes, replaces the node's.
func (s *SignalApplier) remote(ctx context.Context, r *Report) (*Report, int) {
	argv, parents := killArgv(r, s.Kill, s.PIDPressure)
	// Each parent may take up to three grace periods (TERM, HUP, KILL).
	opts := s.Debug.WithWork(time.Duration(parents) * 3 * s.Kill.Grace)
	nr := ReportOf(nodedebug.Run(ctx, s.Clients, opts, []string{r.Status.Node}, argv)[0])
	return Merge(r, nr, s.Pods, s.Namespaces, s.PIDPressure)
}

// Merge folds the agent's report of a kill (done) into the plan's (plan)
// and returns the node's report and how many parents were not cleared:
// when the agent gave no report, every planned parent fails with its
// error; else done, named from the run's pods, with the plan's reasons
// for the parents it skipped.
func Merge(plan, done *Report, pods []corev1.Pod, namespaces []corev1.Namespace, pidPressure int) (*Report, int) {
	failed := 0
	if done.Status.Error != "" {
		for _, p := range plan.Status.Parents {
			if p.Action != nil && p.Action.Result == execute.Planned {
				p.Action.Outcome = execute.Outcome{Result: execute.Failed, Message: "not signalled: " + done.Status.Error}
				failed++
			}
		}
		return plan, failed
	}
	Attribute([]*Report{done}, pods, namespaces)
	KeepSkipped(plan, done)
	done.Assess(pidPressure)
	for _, p := range done.Status.Parents {
		if p.Action != nil && p.Action.Result.Failure() {
			failed++
		}
	}
	return done, failed
}
