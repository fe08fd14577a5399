package snapshot

import (
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func fullDeployment() *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns", Labels: map[string]string{"akash.network/manifest-service": "web"},
			Annotations:   map[string]string{"deployment.kubernetes.io/revision": "2"},
			ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "akash-provider"}}},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](1), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}},
			Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"a": "b"}}, Spec: corev1.PodSpec{
				NodeSelector: map[string]string{"akash.network": "true"},
				Containers: []corev1.Container{{Name: "web", Image: "nginx:1.25", Command: []string{"/bin/web"}, Args: []string{"--port", "80"},
					Env:       []corev1.EnvVar{{Name: "AKASH_OWNER", Value: "akash1…"}},
					Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}}}},
			}}},
		Status: appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 2, Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing, Reason: "ReplicaSetUpdated"}}},
	}
}

// A workload keeps what the analyses read — metadata, replicas, strategy,
// status, and its containers' names, images, commands and arguments — and
// loses its managedFields, selector and the rest of its pod template.
func TestTrimWorkload(t *testing.T) {
	d := fullDeployment()
	trimObject(d, false)
	full := fullDeployment()
	if d.ManagedFields != nil || d.Spec.Selector != nil || d.Spec.Template.Labels != nil || d.Spec.Template.Spec.NodeSelector != nil {
		t.Errorf("not trimmed: %+v", d)
	}
	want := corev1.Container{Name: "web", Image: "nginx:1.25", Command: []string{"/bin/web"}, Args: []string{"--port", "80"}}
	if len(d.Spec.Template.Spec.Containers) != 1 || !reflect.DeepEqual(d.Spec.Template.Spec.Containers[0], want) {
		t.Errorf("containers: %+v", d.Spec.Template.Spec.Containers)
	}
	if !reflect.DeepEqual(d.Labels, full.Labels) || !reflect.DeepEqual(d.Annotations, full.Annotations) || *d.Spec.Replicas != 1 ||
		d.Spec.Strategy != full.Spec.Strategy || !reflect.DeepEqual(d.Status, full.Status) {
		t.Errorf("lost what the analyses read: %+v", d)
	}
}

// FullWorkloads keeps the whole object but its managedFields; other kinds
// lose only their managedFields.
func TestTrimFullWorkloadsAndOtherKinds(t *testing.T) {
	d, want := fullDeployment(), fullDeployment()
	want.ManagedFields = nil
	trimObject(d, true)
	if !reflect.DeepEqual(d, want) {
		t.Errorf("FullWorkloads trimmed more than managedFields: %+v", d)
	}
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubelet"}}},
		Spec: corev1.PodSpec{NodeName: "n", Containers: []corev1.Container{{Name: "c", Env: []corev1.EnvVar{{Name: "X"}}}}}}
	trimObject(p, false)
	if p.ManagedFields != nil || p.Spec.NodeName != "n" || len(p.Spec.Containers[0].Env) != 1 {
		t.Errorf("a pod was trimmed beyond its managedFields: %+v", p)
	}
}
