package execute

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
)

// Executor applies planned actions to the cluster.
type Executor struct {
	Client       dynamic.Interface
	DryRun       cmdutil.DryRunStrategy
	FieldManager string
}

// NewExecutor returns an executor that honours the options' dry run and
// field manager.
func (o *Options) NewExecutor(client dynamic.Interface) *Executor {
	return &Executor{Client: client, DryRun: o.DryRun, FieldManager: o.FieldManager}
}

// ApplyAll applies every Planned action in order and returns how many failed.
// A failure does not stop the others: each object gets its own outcome.
func (e *Executor) ApplyAll(ctx context.Context, actions []*Action) (failed int) {
	for _, a := range actions {
		if a.Result != Planned {
			continue
		}
		e.Apply(ctx, a)
		if a.Result.Failure() {
			failed++
		}
	}
	return failed
}

// Apply applies one action and records its outcome in it.
func (e *Executor) Apply(ctx context.Context, a *Action) {
	if err := ctx.Err(); err != nil {
		a.Outcome = Outcome{Result: Skipped, Message: "interrupted before this action: " + err.Error()}
		return
	}
	if e.DryRun == cmdutil.DryRunClient {
		a.Outcome = Outcome{Result: DryRun, Message: "would " + a.Describe() + " (client dry run: nothing sent)"}
		return
	}
	var dryRun []string
	if e.DryRun == cmdutil.DryRunServer {
		dryRun = []string{metav1.DryRunAll}
	}
	res := e.Client.Resource(a.Target.GVR()).Namespace(a.Target.Namespace)
	var err error
	switch a.Verb {
	case Delete:
		opts := metav1.DeleteOptions{DryRun: dryRun, Preconditions: preconditions(a.Target)}
		if a.PropagationPolicy != "" {
			p := metav1.DeletionPropagation(a.PropagationPolicy)
			opts.PropagationPolicy = &p
		}
		err = res.Delete(ctx, a.Target.Name, opts)
	case Patch:
		var body []byte
		body, err = json.Marshal(a.Patch)
		if err == nil {
			_, err = res.Patch(ctx, a.Target.Name, types.JSONPatchType, body, metav1.PatchOptions{DryRun: dryRun, FieldManager: e.FieldManager})
		}
	default:
		err = fmt.Errorf("unknown verb %q", a.Verb)
	}
	a.Outcome = outcomeOf(a, err, dryRun != nil)
}

// preconditions turns the planned UID and resourceVersion into delete
// preconditions: the API server refuses with 409 Conflict if either changed.
func preconditions(t Target) *metav1.Preconditions {
	if t.UID == "" && t.ResourceVersion == "" {
		return nil
	}
	p := &metav1.Preconditions{}
	if t.UID != "" {
		uid := types.UID(t.UID)
		p.UID = &uid
	}
	if t.ResourceVersion != "" {
		rv := t.ResourceVersion
		p.ResourceVersion = &rv
	}
	return p
}

// outcomeOf classifies the API's answer. A JSON patch that does not apply
// (a `test` failed, or a path it relies on is gone) comes back as a bare 422
// whose message is the generic "the server rejected our request due to an
// error in our request" with no field causes: the API server drops the
// detail. It means the object is not what the plan saw, so it is a
// Conflict like a failed delete precondition.
func outcomeOf(a *Action, err error, serverDryRun bool) Outcome {
	if err == nil {
		if serverDryRun {
			return Outcome{Result: DryRun, Message: "server dry run: the API server accepted " + a.Describe() + "; nothing persisted"}
		}
		return Outcome{Result: Succeeded}
	}
	msg := err.Error()
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		msg = status.Status().Message
	}
	switch {
	case apierrors.IsConflict(err):
		return Outcome{Result: Conflict, Message: "changed since it was planned (" + msg + "); nothing was written: re-run to plan again"}
	case a.Verb == Patch && isPatchTestFailure(err):
		return Outcome{Result: Conflict, Message: "the patch did not apply: a JSON-patch test failed or a path it relies on is gone, so the object changed since it was planned; nothing was written: re-run to plan again"}
	case apierrors.IsNotFound(err) && a.Verb == Delete:
		return Outcome{Result: NotFound, Message: "already gone"}
	case apierrors.IsNotFound(err):
		return Outcome{Result: Conflict, Message: "no longer exists; nothing was written"}
	case apierrors.IsForbidden(err):
		return Outcome{Result: Forbidden, Message: msg}
	case apierrors.IsInvalid(err), apierrors.IsBadRequest(err):
		return Outcome{Result: Invalid, Message: msg}
	}
	return Outcome{Result: Failed, Message: msg}
}

func isPatchTestFailure(err error) bool {
	var status apierrors.APIStatus
	if !errors.As(err, &status) || status.Status().Code != http.StatusUnprocessableEntity {
		return false
	}
	st := status.Status()
	if strings.Contains(st.Message, "test failed") || strings.Contains(st.Message, "testing value") {
		return true
	}
	return strings.HasPrefix(st.Message, "the server rejected our request due to an error in our request") &&
		(st.Details == nil || len(st.Details.Causes) == 0)
}
