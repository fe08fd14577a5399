package snapshot

import (
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// protoObject is a generated Kubernetes type: it encodes and decodes itself.
type protoObject interface {
	metav1.Object
	Marshal() ([]byte, error)
	Unmarshal([]byte) error
}

// Pruning the bytes before decoding keeps exactly what the trim keeps: each
// object decoded from pruned bytes is the object decoded whole and trimmed
// (so the protobuf path need not trim again) — for every kind the snapshot reads, trimmed or whole
// (FullWorkloads). And the pruned bytes really lack what the trim drops.
func TestPruneKeepsWhatTheTrimKeeps(t *testing.T) {
	deployment := fullDeployment()
	rs := &appsv1.ReplicaSet{ObjectMeta: deployment.ObjectMeta, Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To[int32](2), MinReadySeconds: 5,
		Selector: deployment.Spec.Selector, Template: deployment.Spec.Template}, Status: appsv1.ReplicaSetStatus{Replicas: 2, ReadyReplicas: 1, ObservedGeneration: 3}}
	rs.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: "web", UID: "u1", Controller: ptr.To(true)}}
	sts := &appsv1.StatefulSet{ObjectMeta: deployment.ObjectMeta, Spec: appsv1.StatefulSetSpec{Replicas: ptr.To[int32](1), Selector: deployment.Spec.Selector,
		Template: deployment.Spec.Template, ServiceName: "db", VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{ObjectMeta: metav1.ObjectMeta{Name: "data"}}}},
		Status: appsv1.StatefulSetStatus{Replicas: 1, CurrentRevision: "db-1"}}
	pod := &corev1.Pod{ObjectMeta: deployment.ObjectMeta, Spec: deployment.Spec.Template.Spec, Status: corev1.PodStatus{Phase: corev1.PodPending,
		Conditions: []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: "Unschedulable", Message: "0/3 nodes are available: 3 Insufficient cpu."}}}}
	pod.Spec.NodeName, pod.Spec.DeprecatedServiceAccount, pod.Spec.TerminationGracePeriodSeconds = "node-1", "default", ptr.To[int64](30)
	event := &corev1.Event{ObjectMeta: deployment.ObjectMeta, InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "web-1"}, Reason: "FailedScheduling",
		Message: "0/3 nodes", Count: 4, Type: "Warning", Source: corev1.EventSource{Component: "default-scheduler"}}
	ns := &corev1.Namespace{ObjectMeta: deployment.ObjectMeta, Status: corev1.NamespaceStatus{Phase: corev1.NamespaceTerminating}}

	cases := []struct {
		name    string
		in      protoObject
		decoded func() protoObject
	}{
		{"deployment", deployment, func() protoObject { return &appsv1.Deployment{} }},
		{"replicaset", rs, func() protoObject { return &appsv1.ReplicaSet{} }},
		{"statefulset", sts, func() protoObject { return &appsv1.StatefulSet{} }},
		{"pod", pod, func() protoObject { return &corev1.Pod{} }},
		{"event", event, func() protoObject { return &corev1.Event{} }},
		{"namespace", ns, func() protoObject { return &corev1.Namespace{} }},
	}
	for _, c := range cases {
		for _, full := range []bool{false, true} {
			raw, err := c.in.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			want := c.decoded()
			if err := want.Unmarshal(raw); err != nil {
				t.Fatal(err)
			}
			trimObject(want, full)
			var p pruner
			pruned, err := p.prune(raw, cutOf(c.decoded(), full))
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			got := c.decoded()
			if err := got.Unmarshal(pruned); err != nil {
				t.Fatalf("%s, full %v: the pruned bytes do not decode: %v", c.name, full, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, full %v: pruned\n%+v\nwant (trimmed)\n%+v", c.name, full, got, want)
			}
			if len(pruned) >= len(raw) {
				t.Errorf("%s, full %v: nothing pruned (%d bytes of %d)", c.name, full, len(pruned), len(raw))
			}
		}
	}
}

// Before the trim, a pruned workload already lacks its selector and all of
// its pod template but the containers' name, image, command and args.
func TestPruneWorkloadTemplate(t *testing.T) {
	raw, err := fullDeployment().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var p pruner
	pruned, err := p.prune(raw, deploymentCut)
	if err != nil {
		t.Fatal(err)
	}
	var d appsv1.Deployment
	if err := d.Unmarshal(pruned); err != nil {
		t.Fatal(err)
	}
	want := []corev1.Container{{Name: "web", Image: "nginx:1.25", Command: []string{"/bin/web"}, Args: []string{"--port", "80"}}}
	if d.Spec.Selector != nil || d.Spec.Template.Labels != nil || d.Spec.Template.Spec.NodeSelector != nil || !reflect.DeepEqual(d.Spec.Template.Spec.Containers, want) {
		t.Errorf("not pruned: %+v", d.Spec)
	}
	if d.Name != "web" || d.Annotations["deployment.kubernetes.io/revision"] != "2" || *d.Spec.Replicas != 1 || d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || d.Status.Replicas != 2 {
		t.Errorf("pruned too much: %+v", d)
	}
}

// Bytes that are not a protobuf message are an error, not a panic or a
// silently shorter object.
func TestPruneBrokenBytes(t *testing.T) {
	raw, err := fullDeployment().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range [][]byte{raw[:len(raw)-3], raw[:1], {0x0b}, {0x0a, 0xff}} {
		var p pruner
		if _, err := p.prune(b, deploymentCut); err == nil {
			t.Errorf("% x…: no error", b[:min(len(b), 8)])
		}
	}
}
