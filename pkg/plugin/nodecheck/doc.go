// Package nodecheck is the one node-agent protocol for checks that read a
// node: a check is declared once (a Check registered here) and from that
// declaration come the agent subcommand that runs it on the node
// (`kubectl-akash agent checks`), the argv and the decoding of its answer
// (RunOnNodes: one debug pod per node runs every selected check at once),
// and --local (RunLocal).
//
// A check reads the host through agent.Env (a host root and a proc root),
// so it runs on a synthetic tree in tests. It never fails the run: what it
// could not read becomes its Result (status "error"), what it does not apply
// to becomes "not-applicable", and what it found becomes Findings, each with
// a stable code (documented in docs/checks.md), a severity, a one-line
// message and the command that fixes it. Findings about a pod carry the
// pod's UID as read from its cgroup path on the node; the client names the
// pod and its lease with Attribute, from pods it has listed.
package nodecheck
