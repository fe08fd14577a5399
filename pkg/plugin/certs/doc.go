// Package certs is `kubectl akash certs`: it finds every certificate a
// control-plane or worker node depends on — kubeadm's pki, the client
// certificates embedded in kubeadm's kubeconfigs, kubespray's etcd
// certificates (which kubeadm cannot see), the kubelet's client and serving
// certificates, k3s's — parses them with crypto/x509, and says which are
// valid, expiring, expired, missing or unreadable. It also plans the guarded
// renewal of a node's certificates (see renew.go).
//
// Discovery runs on the node (in a debug pod, or with --local) and reports
// facts only; the verdict (Assess) is made by the caller with its own clock
// and --warn window, so one rule applies to every node and to the client
// side alike.
//
// The `certs check` command's Options are here (check_options.go), and so
// are the node flags of both certs commands (nodeflags.go: each command
// binds them from there with its own wording); `certs renew`'s Options
// are in package renew.
package certs
