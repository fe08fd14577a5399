package leaseclose

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

// Kind of the result objects.
const Kind = "LeaseClose"

// LeaseClose is one lease to close and what happened. metadata.name is the
// lease namespace. spec.leaseID has the same shape as in Lease, so the
// output can be piped into `leases close -f -` again.
type LeaseClose struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              LeaseCloseSpec   `json:"spec"`
	Status            LeaseCloseStatus `json:"status"`
}

// LeaseCloseSpec is the lease and why it is closed.
type LeaseCloseSpec struct {
	LeaseID   akash.LeaseID `json:"leaseID"`
	Namespace string        `json:"namespace"`
	Reason    uint32        `json:"reason,omitempty"`
	// Services are the lease's services when its Manifest is in the cluster.
	Services []Service `json:"services,omitempty"`
	// Matches are the services whose image matched --image (kill-image).
	Matches []Match `json:"matches,omitempty"`
}

// Service is one service of the lease as its Manifest says.
type Service struct {
	Name  string `json:"name"`
	Image string `json:"image"`
}

// Match is a service whose image matched one of the --image expressions.
type Match struct {
	Service string `json:"service"`
	Image   string `json:"image"`
	// Pattern is the --image expression that matched.
	Pattern string `json:"pattern"`
}

// LeaseCloseStatus is what the cluster holds for the lease and the outcome.
type LeaseCloseStatus struct {
	// Manifest is true when the lease's Manifest CR is in the cluster.
	Manifest bool `json:"manifest"`
	// Transaction is the close transaction's command, hash and height.
	Transaction *chain.TxResult `json:"transaction,omitempty"`
	// Actions holds the close-bid action with its outcome.
	Actions []*execute.Action `json:"actions"`
}

// LeaseCloseList is the list kind.
type LeaseCloseList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []LeaseClose `json:"items"`
}
