package rollout

import (
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/kubectl/pkg/polymorphichelpers"
	deploymentutil "k8s.io/kubectl/pkg/util/deployment"
)

// rolloutDone applies `kubectl rollout status`'s own rules (observed
// generation, updated/available/old replicas, progress deadline) to d.
// It returns whether the rollout is complete and kubectl's words for why not.
func rolloutDone(d *appsv1.Deployment) (bool, string) {
	// The viewer wants an unstructured object; only what its rules read is
	// converted (the pod template and the conditions' timestamps would be
	// nearly all of the conversion's cost on a provider's thousands of
	// Deployments).
	view := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: d.Name, Namespace: d.Namespace, Generation: d.Generation, Annotations: d.Annotations},
		Spec:       appsv1.DeploymentSpec{Replicas: d.Spec.Replicas},
		Status:     d.Status,
	}
	view.Status.Conditions = make([]appsv1.DeploymentCondition, len(d.Status.Conditions))
	for i, c := range d.Status.Conditions {
		view.Status.Conditions[i] = appsv1.DeploymentCondition{Type: c.Type, Status: c.Status, Reason: c.Reason, Message: c.Message}
	}
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(view)
	if err != nil {
		return false, err.Error()
	}
	msg, done, err := (&polymorphichelpers.DeploymentStatusViewer{}).Status(&unstructured.Unstructured{Object: obj}, 0)
	if err != nil {
		return false, err.Error()
	}
	return done, trimNewline(msg)
}

// rolledOut is rolloutDone's answer without kubectl's words, for a filter
// that asks it of every Deployment of a provider: the same rules, those of
// kubectl's DeploymentStatusViewer (status_test.go holds the two to the
// same answer), without converting each Deployment for the viewer.
func rolledOut(d *appsv1.Deployment) bool {
	if d.Generation > d.Status.ObservedGeneration {
		return false
	}
	if c := deploymentutil.GetDeploymentCondition(d.Status, appsv1.DeploymentProgressing); c != nil && c.Reason == deploymentutil.TimedOutReason {
		return false
	}
	if d.Spec.Replicas != nil && d.Status.UpdatedReplicas < *d.Spec.Replicas {
		return false
	}
	return d.Status.Replicas <= d.Status.UpdatedReplicas && d.Status.AvailableReplicas >= d.Status.UpdatedReplicas
}

// newReplicaSet is the ReplicaSet of d's current template: the owned one
// with the highest revision. The deployment controller gives the new
// ReplicaSet max+1 (a rollback re-numbers the old one the same way) before it
// copies that number onto the Deployment, so the Deployment's own annotation
// can lag behind and is not used.
func newReplicaSet(d *appsv1.Deployment, owned []*appsv1.ReplicaSet) *appsv1.ReplicaSet {
	var newest *appsv1.ReplicaSet
	var newestRev int64 = -1
	for _, rs := range owned {
		if rev, err := deploymentutil.Revision(rs); err == nil && rev > newestRev {
			newest, newestRev = rs, rev
		}
	}
	return newest
}

func trimNewline(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == ' ') {
		s = s[:len(s)-1]
	}
	return s
}
