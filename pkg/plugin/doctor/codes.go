package doctor

// Finding codes of the cluster checks: stable, documented in
// docs/doctor.md (the node checks' NCnnn codes are nodecheck's).
const (
	CodeStuckRollout        = "DC101" // an update cannot schedule while older ReplicaSets hold resources
	CodeRolloutShort        = "DC102" // an update cannot schedule and no older ReplicaSet holds anything
	CodeLostCommand         = "DC111" // a Manifest service lost its SDL command
	CodeLostCommandRestart  = "DC112" // healed before: the provider has not re-read the Manifest
	CodeLostCommandNoTarget = "DC113" // lost command with no Manifest or service to patch
	CodeFailedPod           = "DC201" // a lease pod Failed
	CodeCrashingPod         = "DC211" // a lease pod's container cannot start or keeps crashing
	CodeImagePull           = "DC212" // a lease pod's image cannot be pulled
	CodeClosedStillRunning  = "DC301" // closed on chain, still in the cluster
	CodeOpenNothingRunning  = "DC302" // open on chain, nothing in the cluster
	CodeLeaseStateUnknown   = "DC303" // in the cluster, the chain does not know it or could not say
	CodeNoProviderPod       = "DC401" // no akash-provider pod
	CodeProviderNotReady    = "DC402" // an akash-provider pod is not Ready
	CodeProviderRestarts    = "DC403" // an akash-provider pod keeps restarting
	CodeStatusUnanswered    = "DC411" // /status does not answer
	CodeDevicePluginMissing = "DC501" // no device plugin pod on a GPU node
	CodeDevicePluginBroken  = "DC502" // the device plugin pod on a GPU node is not Ready
	CodeGPUsUnhealthy       = "DC503" // GPUs marked unhealthy (allocatable < capacity)
	CodeServingExpired      = "DC601" // the API server's serving certificate expired
	CodeServingExpiring     = "DC602" // ... expires within --cert-warn
	CodeClientExpired       = "DC611" // the kubeconfig's client certificate expired
	CodeClientExpiring      = "DC612" // ... expires within --cert-warn
	CodeClientMissing       = "DC613" // the kubeconfig names a client certificate file that is not there
)
