package leases

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// Kind of the result objects.
const Kind = "Lease"

// Lease is one lease as the cluster sees it. metadata.name is the lease
// namespace, so `-o name` gives lease.kubectl-akash.akash.network/<namespace>.
type Lease struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              LeaseSpec   `json:"spec"`
	Status            LeaseStatus `json:"status"`
}

// LeaseSpec is what the tenant deployed.
type LeaseSpec struct {
	// LeaseID is the on-chain lease; other commands (leases close -f -) read it.
	LeaseID   akash.LeaseID `json:"leaseID"`
	Namespace string        `json:"namespace"`
	Group     string        `json:"group,omitempty"`
	Services  []Service     `json:"services"`
}

// Service is one SDL service of the lease.
type Service struct {
	Name     string   `json:"name"`
	Image    string   `json:"image"`
	Count    uint64   `json:"count"`
	Command  []string `json:"command,omitempty"`
	CPUMilli uint64   `json:"cpuMillis"`
	Memory   uint64   `json:"memoryBytes"`
	GPU      uint64   `json:"gpu,omitempty"`
}

// LeaseStatus says what exists in the cluster for the lease.
type LeaseStatus struct {
	// Manifest is true when the Manifest CR exists in the lease namespace.
	Manifest bool `json:"manifest"`
	// Namespace is true when the lease's namespace exists.
	Namespace bool `json:"namespace"`
	// Pods counts the namespace's pods by phase.
	Pods map[string]int `json:"pods,omitempty"`
	// Chain is the lease as the chain lists it; nil when no chain source
	// was read (or the lease is another provider's).
	Chain *ChainStatus `json:"chain,omitempty"`
}

// LeaseList is the list kind.
type LeaseList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []Lease `json:"items"`
}
