package rollout

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

var t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// world builds snapshots by hand for the pure analysis.
type world struct{ s snapshot.Snapshot }

func ctrl(kind, name string, uid types.UID) []metav1.OwnerReference {
	return []metav1.OwnerReference{{Kind: kind, Name: name, UID: uid, Controller: ptr.To(true)}}
}

// deployment adds a Deployment with revisions 1..n (the last is current),
// each revision's template command given by cmds, and returns its UID.
func (w *world) deployment(ns, svc string, cmds [][]string, rolledOut bool) types.UID {
	uid := types.UID(ns + "/" + svc)
	n := len(cmds)
	d := appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: svc, UID: uid, Generation: 2,
			Labels:      map[string]string{akash.LabelManifestService: svc},
			Annotations: map[string]string{"deployment.kubernetes.io/revision": strconv.Itoa(n)}},
		Spec:   appsv1.DeploymentSpec{Replicas: ptr.To(int32(1)), Template: template(svc, cmds[n-1])},
		Status: appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 2, UpdatedReplicas: 1, AvailableReplicas: 1},
	}
	if rolledOut {
		d.Status = appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 1, UpdatedReplicas: 1, AvailableReplicas: 1}
	}
	w.s.Deployments = append(w.s.Deployments, d)
	for i, c := range cmds {
		rev := i + 1
		replicas := int32(0)
		if rev >= n-1 { // the current and the previous one hold a pod
			replicas = 1
		}
		w.s.ReplicaSets = append(w.s.ReplicaSets, appsv1.ReplicaSet{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: svc + "-r" + strconv.Itoa(rev), UID: types.UID(string(uid) + "-r" + strconv.Itoa(rev)),
				OwnerReferences: ctrl("Deployment", svc, uid), CreationTimestamp: metav1.NewTime(t0.Add(time.Duration(rev) * time.Minute)),
				Annotations: map[string]string{"deployment.kubernetes.io/revision": strconv.Itoa(rev)}},
			Spec:   appsv1.ReplicaSetSpec{Replicas: ptr.To(replicas), Template: template(svc, c)},
			Status: appsv1.ReplicaSetStatus{Replicas: replicas},
		})
	}
	return uid
}

func template(svc string, cmd []string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "sidecar", Command: []string{"/sidecar"}}, {Name: svc, Command: cmd}}}}
}

// pendingPod adds a Pending pod to a ReplicaSet with a PodScheduled message.
func (w *world) pendingPod(rsUID types.UID, ns, msg string) {
	w.s.Pods = append(w.s.Pods, corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: string(rsUID) + "-pod", UID: rsUID + "-pod", OwnerReferences: ctrl("ReplicaSet", "x", rsUID)},
		Status: corev1.PodStatus{Phase: corev1.PodPending, Conditions: []corev1.PodCondition{
			{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonUnschedulable, Message: msg}}},
	})
}

func TestFindStuckActsPerDeployment(t *testing.T) {
	w := &world{}
	web := w.deployment("ns", "web", [][]string{nil, nil}, false)
	w.deployment("ns", "api", [][]string{nil, nil}, true) // a healthy sibling with an old RS holding a pod
	w.pendingPod(web+"-r2", "ns", "0/3 nodes are available: 3 Insufficient cpu.")
	got := FindStuck(&w.s, StuckOptions{Now: t0.Add(time.Hour), MinAge: time.Minute})
	if len(got) != 1 || got[0].Name != "web" {
		t.Fatalf("want only web, got %+v", got)
	}
	acts := got[0].Status.Actions
	if len(acts) != 1 || acts[0].Target.Name != "web-r1" || acts[0].Result != execute.Planned || acts[0].Target.UID == "" {
		t.Fatalf("actions %+v", acts)
	}
	if got[0].Spec.NewReplicaSet != "web-r2" {
		t.Fatalf("new RS %s", got[0].Spec.NewReplicaSet)
	}
}

func TestFindStuckIgnoresOtherReasonsAndCompleteRollouts(t *testing.T) {
	w := &world{}
	taint := w.deployment("ns", "taint", [][]string{nil, nil}, false)
	w.pendingPod(taint+"-r2", "ns", "0/3 nodes are available: 3 node(s) had untolerated taint {x: y}.")
	done := w.deployment("ns", "done", [][]string{nil, nil}, true)
	w.pendingPod(done+"-r2", "ns", "0/3 nodes are available: 3 Insufficient memory.")
	if got := FindStuck(&w.s, StuckOptions{Now: t0.Add(time.Hour)}); len(got) != 0 {
		t.Fatalf("want nothing, got %+v", got)
	}
}

func TestFindStuckReadsEvents(t *testing.T) {
	w := &world{}
	web := w.deployment("ns", "web", [][]string{nil, nil}, false)
	w.pendingPod(web+"-r2", "ns", "")
	pod := w.s.Pods[0]
	w.s.Events = append(w.s.Events, corev1.Event{InvolvedObject: corev1.ObjectReference{UID: pod.UID}, Reason: "FailedScheduling",
		Message: "0/1 nodes are available: 1 Insufficient nvidia.com/gpu.", LastTimestamp: metav1.NewTime(t0)})
	if !NeedsEvents(&w.s) {
		t.Fatal("a pending pod without the scheduler's condition message needs events")
	}
	got := FindStuck(&w.s, StuckOptions{Now: t0.Add(time.Hour)})
	if len(got) != 1 || got[0].Spec.Reason != "0/1 nodes are available: 1 Insufficient nvidia.com/gpu." {
		t.Fatalf("%+v", got)
	}
}

func TestFindStuckKeepsEmptyHistoryAndHonoursMinAge(t *testing.T) {
	w := &world{}
	web := w.deployment("ns", "web", [][]string{nil, nil, nil, nil}, false) // r1, r2 empty; r3 holds the old pod
	w.pendingPod(web+"-r4", "ns", "Insufficient cpu")
	got := FindStuck(&w.s, StuckOptions{Now: t0.Add(4*time.Minute + 30*time.Second), MinAge: 2 * time.Minute})
	acts := got[0].Status.Actions
	if len(acts) != 1 || acts[0].Target.Name != "web-r3" || acts[0].Result != execute.Skipped {
		t.Fatalf("only r3 holds a pod, and the update is 30s old: %+v", acts)
	}
}

func TestFindStuckNothingOld(t *testing.T) {
	w := &world{}
	web := w.deployment("ns", "web", [][]string{nil}, false)
	w.pendingPod(web+"-r1", "ns", "Insufficient cpu")
	got := FindStuck(&w.s, StuckOptions{Now: t0.Add(time.Hour)})
	if len(got) != 1 || len(got[0].Status.Actions) != 0 || got[0].Status.Note == "" {
		t.Fatalf("%+v", got)
	}
}

func manifest(ns string, services ...akash.ManifestService) *akash.Manifest {
	return &akash.Manifest{Name: ns, Namespace: "lease", UID: "m-" + ns, ResourceVersion: "rv-" + ns, Spec: akash.ManifestSpec{Group: akash.ManifestGroup{Services: services}}}
}

func TestFindLostCommandsTakesTheLastGoodRevisionByName(t *testing.T) {
	w := &world{}
	w.deployment("ns", "web", [][]string{{"/a"}, {"/b"}, nil}, false)
	w.s.Manifests = []*akash.Manifest{manifest("ns", akash.ManifestService{Name: "db"}, akash.ManifestService{Name: "web"})}
	got := FindLostCommands(&w.s, "lease")
	if len(got) != 1 {
		t.Fatalf("%+v", got)
	}
	r := got[0]
	if r.Spec.FromRevision != 2 || r.Spec.Command[0] != "/b" || r.Spec.ServiceIndex != 1 {
		t.Fatalf("spec %+v", r.Spec)
	}
	b, err := json.Marshal(r.Status.Actions[0].Patch)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"op":"test","path":"/metadata/uid","value":"m-ns"},{"op":"test","path":"/metadata/resourceVersion","value":"rv-ns"},` +
		`{"op":"test","path":"/spec/group/services/1/name","value":"web"},{"op":"test","path":"/spec/group/services/1/command","value":null},` +
		`{"op":"add","path":"/spec/group/services/1/command","value":["/b"]}]`
	if string(b) != want {
		t.Fatalf("patch\n%s\nwant\n%s", b, want)
	}
}

// Two services of one Manifest lost their command: one patch heals both,
// since the first patch of two would change the resourceVersion the
// second tests.
func TestFindLostCommandsOnePatchPerManifest(t *testing.T) {
	w := &world{}
	w.deployment("ns", "web", [][]string{{"/w"}, nil}, false)
	w.s.StatefulSets = []appsv1.StatefulSet{{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "db", Labels: map[string]string{akash.LabelManifestService: "db"}},
		Spec:       appsv1.StatefulSetSpec{Template: template("db", []string{"/d"})},
	}}
	w.deployment("other", "web", [][]string{{"/o"}, nil}, false)
	w.s.Manifests = []*akash.Manifest{
		manifest("ns", akash.ManifestService{Name: "web"}, akash.ManifestService{Name: "db"}),
		manifest("other", akash.ManifestService{Name: "web"}),
	}
	got := FindLostCommands(&w.s, "lease")
	if len(got) != 3 || got[0].Name != "db" || got[1].Name != "web" || got[2].Namespace != "other" {
		t.Fatalf("%+v", got)
	}
	if got[0].Status.Actions[0] != got[1].Status.Actions[0] || got[0].Status.Actions[0] == got[2].Status.Actions[0] {
		t.Fatal("the services of one Manifest must share one patch, and only they")
	}
	var paths []string
	for _, op := range got[0].Status.Actions[0].Patch {
		paths = append(paths, op.Op+" "+op.Path)
	}
	want := "test /metadata/uid,test /metadata/resourceVersion,test /spec/group/services/0/name,test /spec/group/services/0/command," +
		"test /spec/group/services/1/name,test /spec/group/services/1/command,add /spec/group/services/0/command,add /spec/group/services/1/command"
	if strings.Join(paths, ",") != want {
		t.Fatalf("patch %s", strings.Join(paths, ","))
	}
	if p := Patches(got); len(p) != 2 || p[0] != got[0].Status.Actions[0] || p[1] != got[2].Status.Actions[0] {
		t.Fatalf("Patches %+v", p)
	}
}

func TestFindLostCommandsErrors(t *testing.T) {
	w := &world{}
	w.deployment("a", "web", [][]string{{"/a"}, nil}, false)
	w.deployment("b", "web", [][]string{{"/a"}, nil}, false)
	w.deployment("c", "web", [][]string{{"/a"}, nil}, true) // rolled out: not this problem
	w.s.Manifests = []*akash.Manifest{manifest("b", akash.ManifestService{Name: "other"})}
	got := FindLostCommands(&w.s, "lease")
	if len(got) != 2 || got[0].Status.Error == "" || got[1].Status.Error == "" || len(got[0].Status.Actions)+len(got[1].Status.Actions) != 0 {
		t.Fatalf("%+v", got)
	}
}

func TestFindLostCommandsStatefulSet(t *testing.T) {
	w := &world{}
	w.s.StatefulSets = []appsv1.StatefulSet{{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "worker", Labels: map[string]string{akash.LabelManifestService: "worker"}},
		Spec:       appsv1.StatefulSetSpec{Template: template("worker", []string{"/w"})},
	}}
	w.s.Manifests = []*akash.Manifest{manifest("ns", akash.ManifestService{Name: "cache"}, akash.ManifestService{Name: "worker"})}
	got := FindLostCommands(&w.s, "lease")
	if len(got) != 1 || got[0].Spec.ServiceIndex != 1 || got[0].Spec.Command[0] != "/w" {
		t.Fatalf("%+v", got)
	}
	w.s.Manifests[0].Spec.Group.Services[1].Command = []string{"/w"}
	if got := FindLostCommands(&w.s, "lease"); len(got) != 0 {
		t.Fatalf("nothing lost: %+v", got)
	}
}
