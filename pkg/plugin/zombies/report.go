// Package zombies finds zombie processes on a node, says whose they are
// (pod, container, lease) and what reaping them would take, and — when asked
// — makes their parents reap them by escalating signals the way the kernel's
// rules allow.
//
// A zombie cannot be killed: only its parent's wait(), or the parent's
// death, removes it. So everything here is about parents: one report row
// per parent, with the facts that decide which signal can work (does it
// catch SIGCHLD? is it a container's PID 1, which drops signals it has no
// handler for?) and the pids cgroup the zombies are filling.
package zombies

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Kind of the per-node report.
const Kind = "NodeZombies"

// Report is one node's zombies, grouped by parent.
type Report struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Status            ReportStatus `json:"status"`
}

// ReportStatus holds what the scan saw.
type ReportStatus struct {
	Node      string      `json:"node"`
	ScannedAt metav1.Time `json:"scannedAt"`
	// Processes is how many processes /proc listed; Tasks counts their
	// threads too: every thread holds a PID, so Tasks is what pid_max limits.
	Processes int   `json:"processes"`
	Tasks     int   `json:"tasks"`
	PIDMax    int64 `json:"pidMax"`
	// PIDPressure is set when Tasks reach the pressure threshold of PIDMax.
	PIDPressure bool `json:"pidPressure"`
	// Zombies is the node's total.
	Zombies int      `json:"zombies"`
	Parents []Parent `json:"parents"`
	// Warnings are files that could not be read or parsed; the scan went on.
	Warnings []string `json:"warnings,omitempty"`
	// Error says why this node has no scan.
	Error string `json:"error,omitempty"`
}

// Parent is one process with zombie children.
type Parent struct {
	PID     int    `json:"pid"`
	Command string `json:"command"`
	// StartTicks (clock ticks after boot) and PID identify this process:
	// signals go only to a process whose start time still matches.
	StartTicks uint64      `json:"startTicks"`
	Started    metav1.Time `json:"started"`
	// Ancestors run from the parent's parent up to PID 1.
	Ancestors []Process `json:"ancestors"`
	NSpid     []int     `json:"nspid,omitempty"`
	// ContainerInit: the parent is PID 1 of a container (NSpid ends in 1).
	ContainerInit  bool `json:"containerInit"`
	CatchesSIGCHLD bool `json:"catchesSIGCHLD"`
	CatchesSIGTERM bool `json:"catchesSIGTERM"`
	IgnoresSIGTERM bool `json:"ignoresSIGTERM,omitempty"`
	// ShimPID is the nearest ancestor named containerd-shim (0: none). It
	// is shown, never trusted: any process can take that name; whether
	// the parent is in a container is its Pod, read from its cgroup.
	ShimPID int `json:"shimPID,omitempty"`
	Zombies int `json:"zombies"`
	// ZombiePIDs lists the first MaxListedZombies zombies, lowest PIDs first.
	ZombiePIDs   []int       `json:"zombiePIDs"`
	OldestZombie metav1.Time `json:"oldestZombie"`
	// OldestZombieSeconds is the oldest zombie's age at the scan.
	OldestZombieSeconds int64 `json:"oldestZombieSeconds"`
	Pod                 *Pod  `json:"pod,omitempty"`
	Pids                *Pids `json:"pids,omitempty"`
	// Action is the kill plan for this parent and, after --kill, its outcome.
	Action *execute.Action `json:"action,omitempty"`
}

// MaxListedZombies bounds ZombiePIDs: a node can hold hundreds of thousands.
const MaxListedZombies = 100

// Process is one ancestor.
type Process struct {
	PID     int    `json:"pid"`
	Command string `json:"command"`
}

// Pod is where the parent runs: read from its cgroup on the node, and named
// from the API by the plugin.
type Pod struct {
	UID         string `json:"uid"`
	ContainerID string `json:"containerID,omitempty"`
	Namespace   string `json:"namespace,omitempty"`
	Name        string `json:"name,omitempty"`
	Container   string `json:"container,omitempty"`
	// Lease is owner/dseq/gseq/oseq/provider, from the namespace's labels.
	Lease      string `json:"lease,omitempty"`
	LeaseOwner string `json:"leaseOwner,omitempty"`
	LeaseDSeq  string `json:"leaseDSeq,omitempty"`
	// LeaseNamespace: the pod's namespace is labelled akash.network=true,
	// so --kill may signal its processes without --namespace.
	LeaseNamespace bool `json:"leaseNamespace,omitempty"`
}

// Pids is the pod's pids cgroup: zombies count in it until reaped.
type Pids struct {
	Cgroup  string `json:"cgroup"`
	Current int64  `json:"current"`
	// Max is -1 when unlimited.
	Max      int64  `json:"max"`
	Pressure bool   `json:"pressure"`
	Error    string `json:"error,omitempty"`
}

// List is every node's report.
type List struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []*Report `json:"items"`
}

// NewList wraps reports for printing.
func NewList(items []*Report) *List {
	if items == nil {
		items = []*Report{}
	}
	return &List{TypeMeta: output.ListMeta(Kind), Items: items}
}

// Findings reports whether a monitor should look: zombies, or PID pressure
// on the node or in a zombie's pod.
func (r *Report) Findings() bool {
	if r.Status.Zombies > 0 || r.Status.PIDPressure {
		return true
	}
	for _, p := range r.Status.Parents {
		if p.Pids != nil && p.Pids.Pressure {
			return true
		}
	}
	return false
}

// Assess marks PID pressure at percent of a limit: on the node (tasks
// against pid_max) and in each parent's pod (pids.current against pids.max).
func (r *Report) Assess(percent int) {
	at := func(cur, limit int64) bool { return limit > 0 && cur*100 >= limit*int64(percent) }
	r.Status.PIDPressure = at(int64(r.Status.Tasks), r.Status.PIDMax)
	for i := range r.Status.Parents {
		if p := r.Status.Parents[i].Pids; p != nil && p.Error == "" {
			p.Pressure = at(p.Current, p.Max)
		}
	}
}
