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

// Kube applies Delete and Patch actions to the cluster with the
// preconditions they were planned with. It refuses, whatever the plan
// says, to delete a namespace that is not provably a lease's (see
// guardNamespace).
type Kube struct {
	Client       dynamic.Interface
	FieldManager string
	// Protected are namespaces never deleted, besides default and kube-*:
	// the provider's lease and provider namespaces.
	Protected []string
}

// NewKube returns the Kubernetes applier with the options' field manager.
func (o *Options) NewKube(client dynamic.Interface, protected ...string) *Kube {
	return &Kube{Client: client, FieldManager: o.FieldManager, Protected: protected}
}

// Verbs are the verbs Kube applies.
func (k *Kube) Verbs() []Verb { return []Verb{Delete, Patch} }

// Apply applies one action (for real, or with dryRun=All on the server).
func (k *Kube) Apply(ctx context.Context, a *Action, dryRunMode cmdutil.DryRunStrategy) Outcome {
	var dryRun []string
	if dryRunMode == cmdutil.DryRunServer {
		dryRun = []string{metav1.DryRunAll}
	}
	res := k.Client.Resource(a.Target.GVR()).Namespace(a.Target.Namespace)
	var err error
	switch a.Verb {
	case Delete:
		if a.Target.Group == "" && a.Target.Resource == "namespaces" {
			if o := k.guardNamespace(ctx, a); o != nil {
				return *o
			}
		}
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
			_, err = res.Patch(ctx, a.Target.Name, types.JSONPatchType, body, metav1.PatchOptions{DryRun: dryRun, FieldManager: k.FieldManager})
		}
	default:
		err = fmt.Errorf("unknown verb %q", a.Verb)
	}
	return outcomeOf(a, err, dryRun != nil)
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
