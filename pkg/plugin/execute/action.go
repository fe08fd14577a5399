package execute

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// Verb is what an action does to its target.
type Verb string

// Verbs the executor knows.
const (
	Delete Verb = "delete"
	Patch  Verb = "patch"
	// Backup writes a local backup; it gates the destructive actions that
	// follow it.
	Backup Verb = "backup"
	// Wait waits for the effect of the actions before it (pods Ready).
	Wait Verb = "wait"
)

// Result is an action's outcome class. It is the RESULT column of every
// mutating command and drives the exit code.
type Result string

// Results. Conflict, Forbidden, Invalid, Refused, Unknown and Failed count
// as failures; NotFound on a delete means the object is already gone.
const (
	Planned   Result = "Planned"   // not acted on yet
	DryRun    Result = "DryRun"    // --dry-run: client (nothing sent) or server (validated, not persisted)
	Succeeded Result = "Succeeded" // done
	Skipped   Result = "Skipped"   // deliberately not done; Message says why
	NotFound  Result = "NotFound"  // the object no longer exists
	Conflict  Result = "Conflict"  // the object changed since it was planned; re-run to plan again
	Forbidden Result = "Forbidden" // RBAC said no
	Invalid   Result = "Invalid"   // the API server rejected the request
	Refused   Result = "Refused"   // a guard of the executor would not let it happen; Message says which
	Unknown   Result = "Unknown"   // cut off where it may or may not have taken effect; Message says how to check
	Failed    Result = "Failed"    // any other error
)

// Failure reports whether r means the action did not achieve its goal.
func (r Result) Failure() bool {
	switch r {
	case Conflict, Forbidden, Invalid, Refused, Unknown, Failed:
		return true
	}
	return false
}

// Target names the object an action applies to, and the UID and
// resourceVersion the plan was made against (the preconditions).
type Target struct {
	Group           string `json:"group,omitempty"`
	Version         string `json:"version"`
	Resource        string `json:"resource"`
	Kind            string `json:"kind"`
	Namespace       string `json:"namespace,omitempty"`
	Name            string `json:"name"`
	UID             string `json:"uid,omitempty"`
	ResourceVersion string `json:"resourceVersion,omitempty"`
}

// GVR is the target's GroupVersionResource.
func (t Target) GVR() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: t.Group, Version: t.Version, Resource: t.Resource}
}

// String is kubectl's kind/name, with the namespace when there is one.
func (t Target) String() string {
	kind := t.Resource
	if t.Group != "" {
		kind += "." + t.Group
	}
	if t.Namespace == "" {
		return kind + "/" + t.Name
	}
	return t.Namespace + "/" + kind + "/" + t.Name
}

// PatchOp is one RFC 6902 JSON-patch operation.
type PatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// Outcome is what happened to an action.
type Outcome struct {
	Result  Result `json:"result"`
	Message string `json:"message,omitempty"`
}

// Action is one planned change to one object.
type Action struct {
	Verb   Verb   `json:"verb"`
	Target Target `json:"target"`
	// Patch is the JSON patch of a Patch action; it starts with `test`
	// operations on what the change relies on.
	Patch []PatchOp `json:"patch,omitempty"`
	// PropagationPolicy of a Delete (Background when empty).
	PropagationPolicy string `json:"propagationPolicy,omitempty"`
	// Lease is the lease the action belongs to, when it belongs to one. A
	// Namespace delete needs it: the executor deletes only a namespace that
	// is that lease's (see guardNamespace).
	Lease   *akash.LeaseID `json:"lease,omitempty"`
	Outcome `json:"outcome"`

	// Payload is what the verb's applier needs beyond the target (a
	// transaction, a node step); it is not printed.
	Payload any `json:"-"`
	// Precheck, when set, runs right before the action is applied (not in
	// a client dry run); a non-nil outcome is recorded instead of applying:
	// the world changed since the plan.
	Precheck func(ctx context.Context) *Outcome `json:"-"`
	// Interruptible actions (waits, reads) are cut by the first Ctrl-C;
	// every other action, once started, runs to its end.
	Interruptible bool `json:"-"`
}

// NewDelete plans deleting target, guarded by its UID and resourceVersion.
func NewDelete(target Target) *Action {
	return &Action{Verb: Delete, Target: target, Outcome: Outcome{Result: Planned}}
}

// NewPatch plans a JSON patch of target. ops should begin with tests of what
// the patch relies on; a `test` of metadata.uid is added so the patch cannot
// land on a re-created object of the same name.
func NewPatch(target Target, ops ...PatchOp) *Action {
	var all []PatchOp
	if target.UID != "" {
		all = append(all, PatchOp{Op: "test", Path: "/metadata/uid", Value: target.UID})
	}
	all = append(all, ops...)
	return &Action{Verb: Patch, Target: target, Patch: all, Outcome: Outcome{Result: Planned}}
}

// Describe says in words what the action does ("delete apps/replicasets ns/x").
func (a *Action) Describe() string {
	return fmt.Sprintf("%s %s", a.Verb, a.Target)
}
