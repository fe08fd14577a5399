// Package leaseclose plans closing leases on chain: which leases (named by
// ID, read from another command's output, or matched by image in the
// cluster's Manifests), what runs under each in the cluster, and one
// close-bid action per lease, carried out by the chain package's
// Broadcaster one transaction at a time. Planning is pure: it works on
// Manifests and lease IDs and never calls the API or the chain. Signer
// chooses where a transaction is signed (a local akt or provider-services,
// or the akash-provider pod), and Closer hands the plan to the executor.
// CloseOptions and KillImageOptions are the commands `leases close` and
// `leases kill-image`: their defaults, flag checks, Run and --schedule rules.
package leaseclose
