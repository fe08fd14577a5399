package renew

import (
	"context"
	"fmt"
	"strings"

	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

// Verbs are the step verbs of a renewal, all applied by a Renewer.
var Verbs = []execute.Verb{certs.StepSnapshot, certs.StepBackup, certs.StepKubeadm, certs.StepRestart,
	certs.StepEtcdSvc, certs.StepRecheck, certs.StepKubeconfig,
	certs.StepK3sSnapshot, certs.StepK3sStop, certs.StepK3sRotate, certs.StepK3sStart, certs.StepWaitReady}

// Renewer plans a renewal and is the applier of its steps: it opens a
// node (a debug pod, or this machine) at the node's first step and keeps
// it for the node's whole group.
type Renewer struct {
	cfg   Config
	ren   *certs.Renewal
	nodes []Node
	open  map[string]node
}

// New starts a renewal with cfg.
func New(cfg Config) *Renewer {
	return &Renewer{cfg: cfg, ren: certs.NewRenewal(), open: map[string]node{}}
}

// Renewal is the result: the plan, then every step's outcome.
func (r *Renewer) Renewal() *certs.Renewal { return r.ren }

// Plan probes every node (changing nothing) and plans its steps, one gate
// group per node: the first failure anywhere stops the whole run.
func (r *Renewer) Plan(ctx context.Context, nodes []Node) (*execute.Plan, error) {
	r.nodes = nodes
	for i, n := range nodes {
		if err := r.planNode(ctx, n, i == 0); err != nil {
			return nil, err
		}
	}
	plan := &execute.Plan{}
	for _, n := range nodes {
		var steps []*execute.Action
		for _, s := range r.ren.Status.Steps {
			if s.Node == n.Name {
				steps = append(steps, s.Action)
			}
		}
		plan.Add("node "+n.Name, steps...).Gate = true
	}
	return plan, nil
}

// Question is what the operator confirms: the nodes, each with its flavour.
func (r *Renewer) Question() string {
	names := make([]string, len(r.nodes))
	for i, n := range r.nodes {
		names[i] = n.Name
		for _, s := range r.ren.Status.Steps {
			if s.Node == n.Name && s.Flavour != "" {
				names[i] = n.Name + " (" + s.Flavour + ")"
				break
			}
		}
	}
	return fmt.Sprintf("Renew the certificates of %d node(s), one at a time: %s.", len(names), strings.Join(names, ", "))
}

// step finds the renewal step behind an action.
func (r *Renewer) step(a *execute.Action) *certs.Step {
	for _, s := range r.ren.Status.Steps {
		if s.Action == a {
			return s
		}
	}
	return nil
}

// Apply runs one step. A server dry run changes nothing on a node: there
// is no API server to rehearse a node step on.
func (r *Renewer) Apply(ctx context.Context, a *execute.Action, dryRun cmdutil.DryRunStrategy) execute.Outcome {
	s := r.step(a)
	if s == nil {
		return execute.Outcome{Result: execute.Failed, Message: "a renewal step outside the renewal: this is a bug"}
	}
	if dryRun != cmdutil.DryRunNone {
		return execute.Outcome{Result: execute.DryRun, Message: "would " + string(s.Verb) + " " + s.TargetText() + " (dry run: nothing done)"}
	}
	n := r.open[s.Node]
	if n == nil {
		var err error
		if n, err = r.openNode(ctx, s.Node); err != nil {
			return execute.Outcome{Result: execute.Failed, Message: err.Error()}
		}
		r.open[s.Node] = n
	}
	msg, err := r.doStep(ctx, n, s)
	if err != nil {
		return execute.Outcome{Result: execute.Failed, Message: err.Error()}
	}
	return execute.Outcome{Result: execute.Succeeded, Message: msg}
}

// Rehearse is the client dry run of a step; what the plan found out (the
// node's kubeadm and its command) stays in the message.
func (r *Renewer) Rehearse(a *execute.Action) execute.Outcome {
	if s := r.step(a); s != nil {
		msg := "would " + string(s.Verb) + " " + s.TargetText() + " (dry run: nothing done)"
		if a.Message != "" {
			msg += ": " + a.Message
		}
		return execute.Outcome{Result: execute.DryRun, Message: msg}
	}
	return execute.Outcome{Result: execute.DryRun, Message: "would " + a.Describe()}
}

// EndGroup releases the node once its steps are over.
func (r *Renewer) EndGroup(g *execute.Group) {
	for name, n := range r.open {
		if "node "+name == g.Subject {
			n.close()
			delete(r.open, name)
		}
	}
}
