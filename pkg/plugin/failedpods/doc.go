// Package failedpods finds the Failed pods of lease namespaces — evicted,
// OOM-killed, crashed for good — says per lease what failed and why, and
// plans deleting them. The provider playbooks run
// `kubectl delete pods -A -l akash.network=true --field-selector
// status.phase=Failed` from cron for this; here each pod is deleted with its
// UID and resourceVersion as preconditions, only in a lease namespace, and
// only once it has been Failed for --min-age. CleanSpec is the read and Flow
// the executor's flow of pods clean-failed.
package failedpods
