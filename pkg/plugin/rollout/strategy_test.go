package rollout

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func TestStrategyOf(t *testing.T) {
	provider := func(replicas int32) *appsv1.Deployment {
		zero, one := intstr.FromInt32(0), intstr.FromInt32(1)
		return &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Replicas: ptr.To(replicas), Strategy: appsv1.DeploymentStrategy{
			Type: appsv1.RollingUpdateDeploymentStrategyType, RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: &zero, MaxUnavailable: &one}}}}
	}
	zeroPct := intstr.FromString("0%")
	one := intstr.FromInt32(1)
	for name, c := range map[string]struct {
		d                     *appsv1.Deployment
		provider, cannotStall bool
		text                  string
	}{
		"provider, one replica": {provider(1), true, true, "RollingUpdate(surge 0, unavailable 1)"},
		"provider, three":       {provider(3), true, false, "RollingUpdate(surge 0, unavailable 1)"},
		"kubernetes default":    {&appsv1.Deployment{}, false, false, "RollingUpdate(surge 25%, unavailable 25%)"},
		"0% surge is zero":      {&appsv1.Deployment{Spec: appsv1.DeploymentSpec{Strategy: appsv1.DeploymentStrategy{RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: &zeroPct, MaxUnavailable: &one}}}}, true, true, "RollingUpdate(surge 0%, unavailable 1)"},
		"recreate":              {&appsv1.Deployment{Spec: appsv1.DeploymentSpec{Strategy: appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}}}, false, true, "Recreate"},
	} {
		s := StrategyOf(c.d)
		if s.Provider != c.provider || s.CannotStall() != c.cannotStall || s.String() != c.text || s.Explain() == "" {
			t.Errorf("%s: %+v %q cannotStall=%v", name, s, s.String(), s.CannotStall())
		}
	}
}

// TestScheduleNote: nothing to say without lease Deployments; otherwise
// whether the CronJob is still needed, with the counts.
func TestScheduleNote(t *testing.T) {
	if n := (StrategyCount{}).ScheduleNote(); n != "" {
		t.Errorf("no Deployments: %q", n)
	}
	if n := (StrategyCount{Total: 4}).ScheduleNote(); !strings.Contains(n, "all 4 lease Deployments use the provider's own strategy") {
		t.Errorf("none can stall: %q", n)
	}
	if n := (StrategyCount{Total: 4, CanStall: 3, Legacy: 2}).ScheduleNote(); !strings.Contains(n, "3 of 4 lease Deployments can still get stuck (2 with the Kubernetes default strategy from providers before 0.6.7, 1 with more than one replica)") {
		t.Errorf("some can stall: %q", n)
	}
}
