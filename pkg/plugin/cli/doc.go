// Package cli holds what every command shares besides output: the exit codes,
// the error type that carries one, the translation of API errors into one
// clear sentence, and the cluster clients built from the kubeconfig flags.
package cli
