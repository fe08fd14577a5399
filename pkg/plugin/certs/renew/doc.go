// Package renew is the client side of `kubectl akash certs renew`: it
// chooses the nodes from one read of the cluster, probes each node
// (changing nothing) to plan its steps, and applies them through the one
// executor, node by node, through a debug pod on the node or on this
// machine (--local). The node-side steps themselves are certs.NodeOps;
// StepAgent and ReadAgent declare them to the agent protocol (package
// agent), which builds their command lines and decodes their reports.
// The command's Options (flags, Complete, Validate, Run) are options.go.
//
// Why a package of its own: the renewal talks to nodes (nodedebug) and to
// the operator's kubeconfig, which the certificate parsing and the node
// steps in package certs do not need.
package renew
