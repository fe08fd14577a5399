package nodecheck

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
)

// RunLocal runs the selected checks on env (this machine with --local, or
// the node, inside the agent) and returns the node's report. Only an
// unknown check name is an error: each check's own trouble is its Result.
func RunLocal(ctx context.Context, env agent.Env, only, skip []string, opts Options) (Report, error) {
	checks, err := Select(only, skip)
	if err != nil {
		return Report{}, err
	}
	return runChecks(ctx, env, checks, opts), nil
}

// runChecks runs checks one after the other (they read the same few files
// and a node's disk is not helped by parallel reads), each isolated.
func runChecks(ctx context.Context, env agent.Env, checks []Check, opts Options) Report {
	r := Report{Node: env.NodeName, Results: make([]Result, 0, len(checks))}
	for _, c := range checks {
		r.Results = append(r.Results, runOne(ctx, env, c, opts))
	}
	return r
}

// runOne runs one check: not-applicable when Applies says so, an error
// Result when the context is done or the check panics.
func runOne(ctx context.Context, env agent.Env, c Check, opts Options) (res Result) {
	defer func() {
		if p := recover(); p != nil {
			res = Result{Status: StatusError, Reason: fmt.Sprintf("the check crashed: %v (%s)", p, firstFrames(debug.Stack()))}
		}
		res.finish(c.Name, env.NodeName)
	}()
	if err := ctx.Err(); err != nil {
		return Result{Status: StatusError, Reason: "not run: " + err.Error()}
	}
	if c.Applies != nil {
		if ok, why := c.Applies(env); !ok {
			return Result{Status: StatusNotApplicable, Reason: why}
		}
	}
	return c.Run(ctx, env, opts)
}

// firstFrames keeps a panic's stack short enough for one report line.
func firstFrames(stack []byte) string {
	const max = 600
	if len(stack) > max {
		stack = stack[:max]
	}
	return string(stack)
}

// errorResult is a check that could not run, and why.
func errorResult(format string, args ...any) Result {
	return Result{Status: StatusError, Reason: fmt.Sprintf(format, args...)}
}

// notApplicable is a check that has nothing to look at on this node.
func notApplicable(format string, args ...any) Result {
	return Result{Status: StatusNotApplicable, Reason: fmt.Sprintf(format, args...)}
}
