package execute

import (
	"context"
	"fmt"

	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/interrupt"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/progress"
)

// Applier carries out one kind of action. It is called only for a real
// run or a server dry run (DryRunServer: validate without persisting); the
// engine answers a client dry run itself, so no applier can act in one.
type Applier interface {
	Apply(ctx context.Context, a *Action, dryRun cmdutil.DryRunStrategy) Outcome
}

// Rehearser is implemented by appliers that can say more than "would
// <describe>" in a client dry run (the exact command line of a transaction).
type Rehearser interface {
	Rehearse(a *Action) Outcome
}

// GroupEnder is implemented by appliers that hold something per group
// (a debug pod on a node) and release it when the group is over.
type GroupEnder interface {
	EndGroup(g *Group)
}

// ApplierFunc adapts a function to Applier.
type ApplierFunc func(ctx context.Context, a *Action, dryRun cmdutil.DryRunStrategy) Outcome

// Apply calls f.
func (f ApplierFunc) Apply(ctx context.Context, a *Action, dryRun cmdutil.DryRunStrategy) Outcome {
	return f(ctx, a, dryRun)
}

// Engine is the one executor: every mutating command hands it a Plan, and
// nothing else applies changes. It owns the rules every command shares:
// the group/stop policy, client dry run, prechecks, the interrupt policy,
// and (through the appliers it is given) the guards of each kind of action.
type Engine struct {
	DryRun   cmdutil.DryRunStrategy
	appliers map[Verb]Applier

	// started and planned number the actions for progress lines ("[3/12]").
	started, planned int
}

// NewEngine returns an engine for the options' dry run, with no appliers.
func (o *Options) NewEngine() *Engine {
	return &Engine{DryRun: o.DryRun, appliers: map[Verb]Applier{}}
}

// Register makes a the applier of verbs. A verb is registered once.
func (e *Engine) Register(a Applier, verbs ...Verb) *Engine {
	for _, v := range verbs {
		if _, dup := e.appliers[v]; dup {
			panic(fmt.Sprintf("execute: verb %q registered twice", v))
		}
		e.appliers[v] = a
	}
	return e
}

// notStarted is the message of actions an interrupt kept from starting.
const notStarted = "not started: the run was interrupted"

// Report is what a run did.
type Report struct {
	Planned, Failed, Done, NotStarted int
	// Interrupted is set when a signal stopped the run before its end.
	Interrupted bool
}

// Run applies the plan group by group. Within a group the first failure
// skips the rest of it; a failed Gate group skips every later group. After
// the first Ctrl-C no new action starts; the one running finishes (unless
// it is Interruptible) on a context only the second Ctrl-C cancels.
func (e *Engine) Run(ctx context.Context, p *Plan) Report {
	rep := Report{Planned: CountPlanned(p.Actions())}
	e.started, e.planned = 0, rep.Planned
	gateFailed := ""
	for _, g := range p.Groups {
		switch {
		case ctx.Err() != nil:
			skipRest(g.Actions, notStarted)
			continue
		case gateFailed != "":
			skipRest(g.Actions, "not run: "+gateFailed+" did not succeed, so nothing after it is done")
			continue
		}
		if g.When != nil && CountPlanned(g.Actions) > 0 {
			if run, why := g.When(); !run {
				skipRest(g.Actions, why)
				continue
			}
		}
		if !e.runGroup(ctx, g, &rep) && g.Gate {
			gateFailed = g.Subject
		}
		for _, a := range g.Actions {
			if ender, ok := e.appliers[a.Verb].(GroupEnder); ok {
				ender.EndGroup(g)
				break
			}
		}
	}
	for _, a := range p.Actions() {
		switch {
		case a.Result.Failure():
			rep.Failed++
		case a.Result == Skipped && ctx.Err() != nil && a.Message == notStarted:
			rep.NotStarted++
		case a.Result == Succeeded || a.Result == NotFound || a.Result == DryRun:
			rep.Done++
		}
	}
	rep.Interrupted = ctx.Err() != nil && rep.NotStarted > 0
	return rep
}

// runGroup applies g's planned actions in order and reports whether all
// of them ended well.
func (e *Engine) runGroup(ctx context.Context, g *Group, rep *Report) bool {
	ok := true
	for i, a := range g.Actions {
		if a.Result != Planned {
			if a.Result.Failure() { // failed while planning: nothing after it runs
				skipRest(g.Actions[i+1:], earlierFailed(g.Subject))
				return false
			}
			continue
		}
		if ctx.Err() != nil {
			skipRest(g.Actions[i:], notStarted)
			return false
		}
		a.Outcome = e.applyReported(ctx, g, a)
		if a.Result.Failure() {
			skipRest(g.Actions[i+1:], earlierFailed(g.Subject))
			return false
		}
		if a.Result == Skipped {
			ok = false
		}
	}
	return ok
}

// applyReported is apply with a progress line when it starts and one when it
// ends (on a terminal only: see package progress). It is the one place every
// command's long work is reported: a transaction per block, a node's renewal
// steps, a wait for Ready. A client dry run does nothing worth reporting.
func (e *Engine) applyReported(ctx context.Context, g *Group, a *Action) Outcome {
	e.started++
	if e.DryRun == cmdutil.DryRunClient {
		return e.apply(ctx, a)
	}
	step := progress.From(ctx).Start(fmt.Sprintf("[%d/%d] %s: %s", e.started, e.planned, g.Subject, a.Describe()))
	o := e.apply(ctx, a)
	outcome := string(o.Result)
	if o.Result.Failure() && o.Message != "" {
		outcome += ": " + o.Message
	}
	step.Done(outcome)
	return o
}

// apply is one action: client dry run, precheck, then its applier on the
// right context, registered as in flight for the second Ctrl-C's message.
func (e *Engine) apply(ctx context.Context, a *Action) Outcome {
	applier, ok := e.appliers[a.Verb]
	if !ok {
		return Outcome{Result: Failed, Message: fmt.Sprintf("no applier for %q actions: this is a bug", a.Verb)}
	}
	if e.DryRun == cmdutil.DryRunClient {
		if r, ok := applier.(Rehearser); ok {
			return r.Rehearse(a)
		}
		return Outcome{Result: DryRun, Message: "would " + a.Describe() + " (client dry run: nothing sent)"}
	}
	actx := ctx
	if !a.Interruptible {
		actx = interrupt.Detached(ctx)
	}
	end := interrupt.Begin(ctx, a.Describe())
	defer end()
	if a.Precheck != nil {
		if o := a.Precheck(actx); o != nil {
			return *o
		}
	}
	return applier.Apply(actx, a, e.DryRun)
}
