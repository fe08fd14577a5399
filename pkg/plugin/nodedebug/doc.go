// Package nodedebug runs a node-side agent check on many nodes at once: one
// short-lived privileged debug pod per node (host PID/network/IPC, the host's
// / at /host), the check run in it over the exec API, its JSON report read
// back, and the pod always deleted — on success, error, Ctrl-C or SIGTERM.
package nodedebug
