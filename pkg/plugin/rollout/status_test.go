package rollout

import (
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	deploymentutil "k8s.io/kubectl/pkg/util/deployment"
	"k8s.io/utils/ptr"
)

// rolledOut must answer as rolloutDone (kubectl's viewer itself) does, for
// every combination of what its rules read: heal drops the ReplicaSets of a
// namespace whose Deployments it says are rolled out, and a Deployment it
// called rolled out wrongly would have its lost command missed. A kubectl
// whose rules change fails this test.
func TestRolledOutAgreesWithKubectl(t *testing.T) {
	conds := map[string][]appsv1.DeploymentCondition{
		"none":             nil,
		"progressing":      {{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue, Reason: "NewReplicaSetAvailable"}},
		"timed out":        {{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionFalse, Reason: deploymentutil.TimedOutReason}},
		"available only":   {{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue, Reason: deploymentutil.TimedOutReason}},
		"timed out second": {{Type: appsv1.DeploymentProgressing, Reason: "ReplicaSetUpdated"}, {Type: appsv1.DeploymentProgressing, Reason: deploymentutil.TimedOutReason}},
	}
	counts := []int32{0, 1, 2, 3}
	n, done := 0, 0
	for name, c := range conds {
		for _, gen := range []int64{1, 2} {
			for _, observed := range []int64{1, 2} {
				for _, replicas := range []*int32{nil, ptr.To[int32](0), ptr.To[int32](1), ptr.To[int32](2)} {
					for _, updated := range counts {
						for _, current := range counts {
							for _, available := range counts {
								d := &appsv1.Deployment{}
								d.Name, d.Generation, d.Spec.Replicas = "web", gen, replicas
								d.Status = appsv1.DeploymentStatus{ObservedGeneration: observed, UpdatedReplicas: updated, Replicas: current, AvailableReplicas: available, Conditions: c}
								want, _ := rolloutDone(d)
								if got := rolledOut(d); got != want {
									t.Errorf("%s, generation %d observed %d, replicas %s, updated %d, current %d, available %d: rolledOut %v, kubectl %v",
										name, gen, observed, show(replicas), updated, current, available, got, want)
								}
								n++
								if want {
									done++
								}
							}
						}
					}
				}
			}
		}
	}
	if done == 0 || done == n {
		t.Errorf("%d of %d cases rolled out: the table does not tell the rules apart", done, n)
	}
}

func show(p *int32) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}
