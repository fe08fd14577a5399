package dangling

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Kind of the result objects.
const Kind = "DanglingLease"

// Directions of a mismatch.
const (
	// InClusterNotOnChain: the workload runs, the lease is not open.
	InClusterNotOnChain = "InClusterNotOnChain"
	// OnChainNotInCluster: the lease is open, nothing runs.
	OnChainNotInCluster = "OnChainNotInCluster"
)

// DanglingLease is one lease on which the chain and the cluster disagree.
// metadata.name is the lease namespace.
type DanglingLease struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              Spec   `json:"spec"`
	Status            Status `json:"status"`
}

// Spec says what disagrees.
type Spec struct {
	LeaseID   akash.LeaseID `json:"leaseID"`
	Direction string        `json:"direction"`
	// ChainState is the chain's state of the lease: closed, not found,
	// active, insufficient_funds, reclaiming, or unknown when it could not
	// be read (ChainError says why).
	ChainState string `json:"chainState"`
	ChainError string `json:"chainError,omitempty"`
	// CreatedAt and ClosedOn are chain block heights, when known.
	CreatedAt int64 `json:"createdAt,omitempty"`
	ClosedOn  int64 `json:"closedOn,omitempty"`
	// Reclamation is the lease's reclamation window and deadline, when the
	// chain reports one: such a lease is never closed before its deadline.
	Reclamation *chain.Reclamation `json:"reclamation,omitempty"`
	// Age is how long ago the lease was created, on the chain's clock (for
	// open leases with nothing in the cluster, when it could be read).
	Age string `json:"age,omitempty"`
	// Held is what the lease holds in the cluster.
	Held Held `json:"held"`
}

// Held is what a lease holds in the cluster.
type Held struct {
	Namespace         bool   `json:"namespace"`
	Manifest          bool   `json:"manifest"`
	ProviderHosts     int    `json:"providerHosts"`
	ProviderLeasedIPs int    `json:"providerLeasedIPs"`
	Pods              int    `json:"pods"`
	CPUMillis         int64  `json:"cpuMillis"`
	MemoryBytes       int64  `json:"memoryBytes"`
	GPUs              int64  `json:"gpus,omitempty"`
	Services          string `json:"services,omitempty"`
}

// Status holds the planned clean-up and its outcome.
type Status struct {
	Actions []*execute.Action `json:"actions"`
	// Transaction is the bid close's command, hash and height, once run.
	Transaction *chain.TxResult `json:"transaction,omitempty"`
	// Note says why nothing is planned.
	Note string `json:"note,omitempty"`
}

// List is the list kind.
type List struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []DanglingLease `json:"items"`
}

// NewList wraps results in their list kind.
func NewList(items []DanglingLease) List {
	return List{TypeMeta: output.ListMeta(Kind), Items: items}
}
