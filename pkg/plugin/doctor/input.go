package doctor

import (
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/dangling"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/provider"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// Input is everything the cluster checks judge, read once by the command:
// the checks themselves do no I/O and read no clock.
type Input struct {
	Now time.Time
	// Snapshot is the one read of the cluster; LoadErrors say which of its
	// resources could not be listed (a check that needs one cannot run).
	Snapshot   *snapshot.Snapshot
	LoadErrors map[Resource]error
	// LeaseNamespace and ProviderNamespace are the global flags.
	LeaseNamespace, ProviderNamespace string
	// StuckAfter is how long an update may wait before it counts as stuck
	// (force-new's --min-age); FailedPodsMinAge likewise for clean-failed.
	StuckAfter time.Duration
	// Chain is the chain's view of the provider's leases, when a chain
	// source is configured or reachable.
	Chain *ChainInput
	// Provider is what the provider's /status said.
	Provider *ProviderInput
	// GPU is the device plugins' side of the cluster, read when the
	// cluster has GPU nodes.
	GPU *GPUInput
	// Certificates are the API server's serving certificate and the
	// kubeconfig's client certificate; CertWarn is when one starts to count
	// as expiring.
	Certificates []certs.Certificate
	CertWarn     time.Duration
}

// ChainInput is the chain's view, or why there is none.
type ChainInput struct {
	Provider string
	View     dangling.ChainView
	// Source describes where the chain was read (for messages).
	Source string
	// FixArgs are the flags the fix command needs to read the same chain
	// (--api URL, --via-cli PATH).
	FixArgs string
	// NotApplicable says why no chain source was used; Err why reading it
	// failed.
	NotApplicable string
	Err           error
}

// ProviderInput is the provider's /status answer.
type ProviderInput struct {
	Endpoint *provider.Endpoint
	Err      error
}

// GPUInput is the device plugins' side of the GPU nodes.
type GPUInput struct {
	View *gpu.ClusterView
	Err  error
}

// Resource is one list of the snapshot.
type Resource string

// The snapshot's resources a check may need.
const (
	ResManifests       Resource = "manifests"
	ResProviderHosts   Resource = "providerhosts"
	ResProviderIPs     Resource = "providerleasedips"
	ResLeaseNamespaces Resource = "namespaces"
	ResPods            Resource = "pods"
	ResDeployments     Resource = "deployments"
	ResReplicaSets     Resource = "replicasets"
	ResStatefulSets    Resource = "statefulsets"
	ResProviderPods    Resource = "providerpods"
	ResNodes           Resource = "nodes"
	// ResAllPods is every pod, lease or not: what the node checks'
	// findings are tied to pods with.
	ResAllPods Resource = "allpods"
)
