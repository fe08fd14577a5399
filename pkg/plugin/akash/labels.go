package akash

import (
	"strconv"

	"k8s.io/apimachinery/pkg/labels"
)

// Labels the provider sets. Lease namespaces, Manifests, ProviderHosts,
// ProviderLeasedIPs and ingresses carry the lease-id labels; Deployments,
// StatefulSets, their pods and Services carry only the namespace and service
// labels, so a workload is tied to its lease through its namespace.
const (
	LabelManaged          = "akash.network"                           // "true" on everything the provider manages, and on nodes open to leases
	LabelNamespace        = "akash.network/namespace"                 // the lease namespace
	LabelLeaseOwner       = "akash.network/lease.id.owner"            // tenant address
	LabelLeaseDSeq        = "akash.network/lease.id.dseq"             // deployment sequence
	LabelLeaseGSeq        = "akash.network/lease.id.gseq"             // group sequence
	LabelLeaseOSeq        = "akash.network/lease.id.oseq"             // order sequence
	LabelLeaseProvider    = "akash.network/lease.id.provider"         // provider address
	LabelManifestService  = "akash.network/manifest-service"          // on workloads: the SDL service name
	LabelManifestResource = "akash.network/manifest.resource.version" // provider >= 0.6.5
)

// The akash-provider StatefulSet's pods: app=akash-provider, container
// "provider", in the provider namespace.
const (
	LabelProviderApp  = "app"
	ProviderApp       = "akash-provider"
	ProviderContainer = "provider"
)

// ManagedSelector selects everything the provider manages.
func ManagedSelector() labels.Selector {
	return labels.SelectorFromSet(labels.Set{LabelManaged: "true"})
}

// LeaseLabels are the labels the provider puts on a lease's namespace and CRs;
// as a selector they pick exactly one lease's ProviderHosts and
// ProviderLeasedIPs, which is how the provider's own teardown finds them.
func LeaseLabels(id LeaseID) labels.Set {
	return labels.Set{
		LabelManaged:       "true",
		LabelLeaseOwner:    id.Owner,
		LabelLeaseDSeq:     strconv.FormatUint(id.DSeq, 10),
		LabelLeaseGSeq:     strconv.FormatUint(uint64(id.GSeq), 10),
		LabelLeaseOSeq:     strconv.FormatUint(uint64(id.OSeq), 10),
		LabelLeaseProvider: id.Provider,
	}
}

// LeaseIDFromLabels rebuilds a lease ID from an object's labels; ok is false
// when any part is missing or malformed (e.g. a workload, which has none).
func LeaseIDFromLabels(l map[string]string) (LeaseID, bool) {
	dseq, err1 := strconv.ParseUint(l[LabelLeaseDSeq], 10, 64)
	gseq, err2 := strconv.ParseUint(l[LabelLeaseGSeq], 10, 32)
	oseq, err3 := strconv.ParseUint(l[LabelLeaseOSeq], 10, 32)
	id := LeaseID{Owner: l[LabelLeaseOwner], DSeq: dseq, GSeq: uint32(gseq), OSeq: uint32(oseq), Provider: l[LabelLeaseProvider]}
	if err1 != nil || err2 != nil || err3 != nil || id.Validate() != nil {
		return LeaseID{}, false
	}
	return id, true
}
