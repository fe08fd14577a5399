// Package doctor is `kubectl akash doctor`: every check of the provider in
// one report. The cluster checks are pure functions over one snapshot (and
// the few answers the command read besides: the chain, the provider's
// /status, the device plugins, the client-side certificates); they reuse
// the analyses of the commands that repair what they find (rollout,
// failedpods, dangling, provider, gpu, certs) and only turn their results
// into findings. The node checks are nodecheck's, run in one debug pod per
// node; their findings are tied to pods and leases here. The command's
// Options are options.go; RunOptions are one run's resolved settings.
//
// Every finding has a stable code (documented in docs/doctor.md), a
// severity, what it belongs to (node, namespace, pod, lease and tenant), a
// one-line explanation and the command that fixes it. Sections are scored
// as popeye scores its sanitizers: the share of scanned objects without a
// warning or an error, and the overall score is the sections' mean.
package doctor
