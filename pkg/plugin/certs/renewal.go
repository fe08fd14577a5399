package certs

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// RenewalKind is the kind of the `certs renew` result.
const RenewalKind = "CertificateRenewal"

// ControlPlaneLabel marks the nodes `certs` works on by default.
const ControlPlaneLabel = "node-role.kubernetes.io/control-plane"

// Step names, in the order they run on each node.
const (
	// StepRestoreParked puts back a manifest an earlier, cut-short restart
	// left parked; the probe does it, before anything else.
	StepRestoreParked = "restore-parked-manifest"
	StepSnapshot      = "etcd-snapshot"
	StepBackup        = "backup"
	StepKubeadm       = "kubeadm-certs-renew"
	StepRestart       = "restart-static-pod"
	StepEtcdSvc       = "restart-etcd-service"
	StepRecheck       = "recheck"
	StepKubeconfig    = "update-kubeconfig"
)

// Node-side steps that are not in the plan.
const (
	// StepProbe looks at the node (after putting back left-over manifests).
	StepProbe = "probe"
	// StepRestartStatus says whether a restart's guardian is done and its
	// manifest in place.
	StepRestartStatus = "restart-status"
	// StepGuard is the guardian process itself (see NodeOps.Guard).
	StepGuard = "guard"
)

// Renewal is the plan and the outcome of `certs renew`.
type Renewal struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Status            RenewalStatus `json:"status"`

	// k3s holds each k3s server's rotation for its later steps.
	k3s map[string]*K3sRotation
}

// RenewalStatus lists every step of every node, in order, and after a
// failure how to roll back.
type RenewalStatus struct {
	Steps []*Step `json:"steps"`
	// Backups are the files written so far, per node.
	Backups  map[string][]string `json:"backups,omitempty"`
	Rollback string              `json:"rollback,omitempty"`
}

// Step is one action on one node. Component names the static pod of a
// restart step.
type Step struct {
	Node string `json:"node"`
	// Flavour is how the node was installed: kubeadm, kubespray or k3s.
	Flavour   string `json:"flavour,omitempty"`
	Component string `json:"component,omitempty"`
	*execute.Action
}

// NewRenewal starts an empty renewal.
func NewRenewal() *Renewal {
	return &Renewal{TypeMeta: output.TypeMeta(RenewalKind), ObjectMeta: metav1.ObjectMeta{Name: "certs-renew"},
		Status: RenewalStatus{Steps: []*Step{}, Backups: map[string][]string{}}}
}

// Add plans a step; target names what it acts on.
func (r *Renewal) Add(node, verb, component string, target execute.Target) *Step {
	s := &Step{Node: node, Component: component, Action: &execute.Action{Verb: execute.Verb(verb), Target: target, Outcome: execute.Outcome{Result: execute.Planned}}}
	r.Status.Steps = append(r.Status.Steps, s)
	return s
}

// Actions are the steps' actions, for execute.Flow.
func (r *Renewal) Actions() []*execute.Action {
	out := make([]*execute.Action, len(r.Status.Steps))
	for i, s := range r.Status.Steps {
		out[i] = s.Action
	}
	return out
}

// RenewalTable is the human view: one row per step.
func RenewalTable(r *Renewal) *output.Table {
	t := output.NewTable(output.Column{Name: "NODE"}, output.Column{Name: "FLAVOUR"}, output.Column{Name: "STEP"}, output.Column{Name: "TARGET"},
		output.Column{Name: "RESULT"}, output.Column{Name: "MESSAGE"})
	for _, s := range r.Status.Steps {
		t.AddRow(s.Node, s.Flavour, string(s.Verb), s.TargetText(), string(s.Result), s.Message)
	}
	return t
}

// TargetText is the step's target for people: a file's path as it is, any
// other object as kubectl names it.
func (s *Step) TargetText() string {
	if s.Target.Resource == "file" {
		return s.Target.Name
	}
	return s.Target.String()
}

// StepReport is what the agent prints for one node-side step.
type StepReport struct {
	Message string `json:"message,omitempty"`
	// File is what the step wrote (snapshot, archive).
	File  string `json:"file,omitempty"`
	Probe *Probe `json:"probe,omitempty"`
	// Guard is a restart's guardian, when one ran (restart-static-pod in a
	// debug pod, restart-status).
	Guard *GuardStatus `json:"guard,omitempty"`
	// K3s is a k3s rotation's report (k3s-certificate-rotate, k3s-rotate-status).
	K3s   *K3sRotation `json:"k3s,omitempty"`
	Error string       `json:"error,omitempty"`
}
