package akash

import "k8s.io/apimachinery/pkg/runtime/schema"

// Group and Version of the provider's CRDs. v2beta1 exists in the CRD file
// but is not served.
const (
	Group   = "akash.network"
	Version = "v2beta2"
)

// The provider's custom resources.
var (
	ManifestGVR         = schema.GroupVersionResource{Group: Group, Version: Version, Resource: "manifests"}
	ProviderHostGVR     = schema.GroupVersionResource{Group: Group, Version: Version, Resource: "providerhosts"}
	ProviderLeasedIPGVR = schema.GroupVersionResource{Group: Group, Version: Version, Resource: "providerleasedips"}
)

// Defaults for where the provider keeps things.
const (
	DefaultLeaseNamespace    = "lease"          // Manifests, ProviderHosts, ProviderLeasedIPs
	DefaultProviderNamespace = "akash-services" // the akash-provider StatefulSet and friends
)
