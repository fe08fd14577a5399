package rollout

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// LostCommandKind is the result kind of `manifests heal`.
const LostCommandKind = "LostCommand"

// LostCommand is one service whose Manifest lost its command, and the patch
// that puts it back. metadata.name/namespace are the workload's.
type LostCommand struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              LostCommandSpec   `json:"spec"`
	Status            LostCommandStatus `json:"status"`
}

// LostCommandSpec is what was found.
type LostCommandSpec struct {
	LeaseID *akash.LeaseID `json:"leaseID,omitempty"`
	// WorkloadKind is Deployment or StatefulSet.
	WorkloadKind string `json:"workloadKind"`
	Service      string `json:"service"`
	// Command is the command to restore.
	Command []string `json:"command"`
	// FromRevision is the Deployment revision the command was taken from (0
	// for a StatefulSet, whose template still has it).
	FromRevision int64 `json:"fromRevision,omitempty"`
	// Manifest is the Manifest CR (lease namespace/name) and ServiceIndex the
	// index of the service of that name in it.
	Manifest     string `json:"manifest"`
	ServiceIndex int    `json:"serviceIndex"`
}

// LostCommandStatus holds the planned patch and its outcome.
type LostCommandStatus struct {
	Actions []*execute.Action `json:"actions"`
	// Error says why no patch could be planned (no Manifest, no such service).
	Error string `json:"error,omitempty"`
	// Note says why nothing is planned when the Manifest is already right.
	Note string `json:"note,omitempty"`
	// ProviderRestartNeeded is true until the provider re-reads the Manifest.
	ProviderRestartNeeded bool `json:"providerRestartNeeded"`
}

// LostCommandList is the list kind.
type LostCommandList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []LostCommand `json:"items"`
}

// LostCommandsList wraps results in their list kind.
func LostCommandsList(items []LostCommand) LostCommandList {
	return LostCommandList{TypeMeta: output.ListMeta(LostCommandKind), Items: items}
}

// MayHaveLostCommand says whether FindLostCommands could report d: only
// when its service's container has no command and its rollout is not
// complete. heal decodes the ReplicaSets of the namespaces where this is
// true of a Deployment only (snapshot.Spec.ReplicaSetsOf): on a provider,
// nearly every rollout is complete, and the ReplicaSets of the others are
// all FindLostCommands reads.
func MayHaveLostCommand(d *appsv1.Deployment) bool {
	c := serviceContainer(&d.Spec.Template.Spec, d.Labels[akash.LabelManifestService])
	return c != nil && len(c.Command) == 0 && !rolledOut(d)
}

// RolloutIncomplete says whether d's rollout is not complete by kubectl's
// rules: FindStuck and FindLostCommands both skip a Deployment whose
// rollout is, so a read for both (doctor) needs the ReplicaSets only of the
// namespaces where this is true of a Deployment.
func RolloutIncomplete(d *appsv1.Deployment) bool { return !rolledOut(d) }

// FindLostCommands finds services whose Manifest lost the SDL command:
//   - a Deployment whose rollout is not complete, whose current template's
//     service container has no command, while an earlier revision of the same
//     Deployment (a ReplicaSet it owns) had one; the most recent such revision
//     is the last one that ran correctly;
//   - a StatefulSet whose service container has a command that the Manifest
//     service of the same name lacks.
//
// The container is the one named after the service, and the Manifest service
// is found by name, never by position.
func FindLostCommands(s *snapshot.Snapshot, leaseNamespace string) []LostCommand {
	rsByOwner := s.ReplicaSetsByOwner()
	manifests := s.ManifestByNamespace()
	leases := s.LeaseByNamespace()
	terminating := s.Terminating()
	var out []LostCommand
	var pending []*akash.Manifest // parallel to out: the Manifest to patch, or nil

	for i := range s.Deployments {
		d := &s.Deployments[i]
		if terminating[d.Namespace] {
			continue
		}
		// The same test as heal's read of the ReplicaSets, so that the two
		// cannot disagree on which Deployments need theirs.
		if !MayHaveLostCommand(d) {
			continue
		}
		svc := d.Labels[akash.LabelManifestService]
		cmd, rev := lastCommand(d, rsByOwner[d.UID], svc)
		if cmd == nil {
			continue
		}
		r, m := plan(d.ObjectMeta, "Deployment", svc, cmd, rev, manifests[d.Namespace], leases, leaseNamespace)
		out, pending = append(out, r), append(pending, m)
	}
	for i := range s.StatefulSets {
		st := &s.StatefulSets[i]
		if terminating[st.Namespace] {
			continue
		}
		svc := st.Labels[akash.LabelManifestService]
		c := serviceContainer(&st.Spec.Template.Spec, svc)
		if c == nil || len(c.Command) == 0 {
			continue
		}
		if m := manifests[st.Namespace]; m != nil {
			if idx, ok := m.ServiceIndex(svc); ok && len(m.Spec.Group.Services[idx].Command) > 0 {
				continue // the Manifest has it
			}
		}
		r, m := plan(st.ObjectMeta, "StatefulSet", svc, c.Command, 0, manifests[st.Namespace], leases, leaseNamespace)
		out, pending = append(out, r), append(pending, m)
	}
	sort.Sort(byWorkload{out, pending})
	attachPatches(out, pending)
	return out
}

// byWorkload sorts results (and their pending Manifests) by namespace and
// workload name.
type byWorkload struct {
	items   []LostCommand
	pending []*akash.Manifest
}

func (b byWorkload) Len() int { return len(b.items) }
func (b byWorkload) Less(i, j int) bool {
	if b.items[i].Namespace != b.items[j].Namespace {
		return b.items[i].Namespace < b.items[j].Namespace
	}
	return b.items[i].Name < b.items[j].Name
}
func (b byWorkload) Swap(i, j int) {
	b.items[i], b.items[j] = b.items[j], b.items[i]
	b.pending[i], b.pending[j] = b.pending[j], b.pending[i]
}

// attachPatches builds one guarded JSON patch per Manifest and attaches it
// to every result it heals. The patch holds, before any change, a test of
// the Manifest's uid and resourceVersion as planned, and for each service
// a test of its name at its index and a test that it still has no command
// (a JSON-patch test against null passes for an absent member): if anyone
// changed the Manifest since it was read, the API server applies none of
// it and the result is a Conflict. Services of one Manifest share a patch,
// since after the first patch the Manifest's resourceVersion is no longer
// the planned one.
func attachPatches(items []LostCommand, pending []*akash.Manifest) {
	byManifest := map[*akash.Manifest][]int{}
	var order []*akash.Manifest
	for i, m := range pending {
		if m == nil {
			continue
		}
		if byManifest[m] == nil {
			order = append(order, m)
		}
		byManifest[m] = append(byManifest[m], i)
	}
	for _, m := range order {
		idx := byManifest[m]
		sort.SliceStable(idx, func(a, b int) bool { return items[idx[a]].Spec.ServiceIndex < items[idx[b]].Spec.ServiceIndex })
		var ops []execute.PatchOp
		if m.ResourceVersion != "" {
			ops = append(ops, execute.PatchOp{Op: "test", Path: "/metadata/resourceVersion", Value: m.ResourceVersion})
		}
		for _, i := range idx {
			base := "/spec/group/services/" + strconv.Itoa(items[i].Spec.ServiceIndex)
			ops = append(ops,
				execute.PatchOp{Op: "test", Path: base + "/name", Value: items[i].Spec.Service},
				execute.PatchOp{Op: "test", Path: base + "/command", Value: jsonNull},
			)
		}
		for _, i := range idx {
			ops = append(ops, execute.PatchOp{Op: "add", Path: "/spec/group/services/" + strconv.Itoa(items[i].Spec.ServiceIndex) + "/command", Value: items[i].Spec.Command})
		}
		a := execute.NewPatch(execute.Target{
			Group: akash.Group, Version: akash.Version, Resource: "manifests", Kind: "Manifest",
			Namespace: m.Namespace, Name: m.Name, UID: m.UID, ResourceVersion: m.ResourceVersion,
		}, ops...)
		for _, i := range idx {
			items[i].Status.Actions = append(items[i].Status.Actions, a)
		}
	}
}

// jsonNull is an explicit JSON null for a `test` value (a nil Value would
// be left out of the operation).
var jsonNull = json.RawMessage("null")

// Patches returns the distinct patch actions of items, in order: services
// of one Manifest share theirs, and it must be applied once.
func Patches(items []LostCommand) []*execute.Action {
	seen := map[*execute.Action]bool{}
	var out []*execute.Action
	for i := range items {
		for _, a := range items[i].Status.Actions {
			if a.Verb == execute.Patch && !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out
}

// plan builds the result for one workload, and returns the Manifest to
// patch for it, or nil when there is nothing to patch.
func plan(w metav1.ObjectMeta, kind, svc string, cmd []string, rev int64, m *akash.Manifest, leases map[string]akash.LeaseID, leaseNamespace string) (LostCommand, *akash.Manifest) {
	r := LostCommand{
		TypeMeta:   output.TypeMeta(LostCommandKind),
		ObjectMeta: metav1.ObjectMeta{Name: w.Name, Namespace: w.Namespace, UID: w.UID},
		Spec: LostCommandSpec{
			WorkloadKind: kind, Service: svc, Command: cmd, FromRevision: rev,
			Manifest: leaseNamespace + "/" + w.Namespace, ServiceIndex: -1,
		},
		Status: LostCommandStatus{Actions: []*execute.Action{}},
	}
	if id, ok := leases[w.Namespace]; ok {
		r.Spec.LeaseID = &id
	}
	if m == nil {
		r.Status.Error = fmt.Sprintf("no Manifest %s/%s for this lease namespace: nothing to patch", leaseNamespace, w.Namespace)
		return r, nil
	}
	idx, ok := m.ServiceIndex(svc)
	if !ok {
		r.Status.Error = fmt.Sprintf("Manifest %s/%s has no service named %q", leaseNamespace, m.Name, svc)
		return r, nil
	}
	r.Spec.ServiceIndex = idx
	r.Status.ProviderRestartNeeded = true
	if len(m.Spec.Group.Services[idx].Command) > 0 {
		// Healed before: never patch twice. The Deployment keeps running
		// without the command until the provider re-reads its Manifests.
		r.Status.Note = "the Manifest already has a command for this service: restart the provider so it re-reads the Manifest (--restart-provider)"
		return r, nil
	}
	return r, m
}

// serviceContainer is the container named after the service (the provider
// names it so); a workload without one is not the provider's.
func serviceContainer(spec *corev1.PodSpec, svc string) *corev1.Container {
	for i := range spec.Containers {
		if spec.Containers[i].Name == svc {
			return &spec.Containers[i]
		}
	}
	return nil
}

// lastCommand returns the command of the most recent revision before the
// current one (the newest ReplicaSet) that had one, and that revision.
func lastCommand(d *appsv1.Deployment, owned []*appsv1.ReplicaSet, svc string) ([]string, int64) {
	current := newReplicaSet(d, owned)
	if current == nil {
		return nil, 0
	}
	var best []string
	var bestRev int64
	currentRev := revision(current)
	for _, rs := range owned {
		rev := revision(rs)
		if rs.UID == current.UID || rev >= currentRev {
			continue
		}
		c := serviceContainer(&rs.Spec.Template.Spec, svc)
		if c != nil && len(c.Command) > 0 && rev > bestRev {
			best, bestRev = c.Command, rev
		}
	}
	return best, bestRev
}
