package rollout

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Strategy is how a Deployment rolls out an update. Since provider 0.6.7
// the provider creates and re-applies lease Deployments with
// RollingUpdate{maxSurge: 0, maxUnavailable: 1}: the old pod is stopped
// before the new one starts, so a single-replica update never waits for
// room its own old pod holds — the situation force-new repairs. Older
// Deployments keep the Kubernetes default (maxSurge 25%, rounded up to one
// pod), which starts the new pod first.
type Strategy struct {
	Type           string `json:"type"`
	MaxSurge       string `json:"maxSurge,omitempty"`
	MaxUnavailable string `json:"maxUnavailable,omitempty"`
	Replicas       int32  `json:"replicas"`
	// Provider is the provider's own strategy (maxSurge 0, maxUnavailable 1).
	Provider bool `json:"provider"`
}

// StrategyOf reads d's strategy with the API server's defaults filled in.
func StrategyOf(d *appsv1.Deployment) Strategy {
	s := Strategy{Type: string(d.Spec.Strategy.Type), Replicas: 1}
	if d.Spec.Replicas != nil {
		s.Replicas = *d.Spec.Replicas
	}
	if s.Type == "" {
		s.Type = string(appsv1.RollingUpdateDeploymentStrategyType)
	}
	if s.Type != string(appsv1.RollingUpdateDeploymentStrategyType) {
		return s
	}
	surge, unavailable := intstr.FromString("25%"), intstr.FromString("25%")
	if ru := d.Spec.Strategy.RollingUpdate; ru != nil {
		if ru.MaxSurge != nil {
			surge = *ru.MaxSurge
		}
		if ru.MaxUnavailable != nil {
			unavailable = *ru.MaxUnavailable
		}
	}
	s.MaxSurge, s.MaxUnavailable = surge.String(), unavailable.String()
	n, err := intstr.GetScaledValueFromIntOrPercent(&surge, int(s.Replicas), true)
	s.Provider = err == nil && n == 0 && unavailable.String() == "1"
	return s
}

// String is the strategy as a table cell.
func (s Strategy) String() string {
	if s.MaxSurge == "" {
		return s.Type
	}
	return fmt.Sprintf("%s(surge %s, unavailable %s)", s.Type, s.MaxSurge, s.MaxUnavailable)
}

// CannotStall reports whether an update of this Deployment can never wait
// for room its own old pod holds: the provider's strategy with one
// replica, or Recreate.
func (s Strategy) CannotStall() bool {
	return (s.Provider && s.Replicas <= 1) || s.Type == string(appsv1.RecreateDeploymentStrategyType)
}

// Explain says why this strategy does or does not let an update get stuck.
func (s Strategy) Explain() string {
	switch {
	case s.Type == string(appsv1.RecreateDeploymentStrategyType):
		return "Recreate stops every old pod first: the new pods themselves do not fit"
	case s.CannotStall():
		return "the provider's own strategy (maxSurge 0, maxUnavailable 1; provider 0.6.7 and later) stops the old pod before the new one starts, so this update is not waiting for its old pod: the new pod itself does not fit"
	case s.Provider:
		return fmt.Sprintf("the provider's own strategy, but with %d replicas the old pods still hold room the new ones need", s.Replicas)
	}
	return "the Kubernetes default strategy starts the new pod before stopping the old one, so on a full provider the update waits for room its old pod holds (Deployments created by providers before 0.6.7)"
}

// StrategyCount tallies lease Deployments by whether their updates can get
// stuck waiting for their old pods.
type StrategyCount struct {
	Total, CanStall, Legacy int
}

// CountStrategies counts ds.
func CountStrategies(ds []appsv1.Deployment) StrategyCount {
	var n StrategyCount
	for i := range ds {
		s := StrategyOf(&ds[i])
		n.Total++
		if !s.CannotStall() {
			n.CanStall++
		}
		if !s.Provider && s.Type == string(appsv1.RollingUpdateDeploymentStrategyType) {
			n.Legacy++
		}
	}
	return n
}

// ScheduleNote says whether a provider with these Deployments still needs
// force-new's CronJob: a lease Deployment with the provider's own strategy
// and one replica cannot get stuck this way. "" when there is nothing to
// say (no lease Deployment).
func (n StrategyCount) ScheduleNote() string {
	switch {
	case n.Total == 0:
		return ""
	case n.CanStall == 0:
		return fmt.Sprintf("note: all %d lease Deployments use the provider's own strategy (maxSurge 0, maxUnavailable 1; provider 0.6.7 and later) with one replica: their updates cannot get stuck waiting for their old pod, so this CronJob is not needed on this provider today (keep it only if older Deployments may come back).", n.Total)
	default:
		return fmt.Sprintf("note: %d of %d lease Deployments can still get stuck (%d with the Kubernetes default strategy from providers before 0.6.7, %d with more than one replica): this CronJob still repairs them.", n.CanStall, n.Total, n.Legacy, n.CanStall-n.Legacy)
	}
}
