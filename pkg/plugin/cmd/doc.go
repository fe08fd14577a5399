// Package cmd wires the cobra commands of `kubectl akash`: each command file
// holds its NewCmd constructor (help text, arguments, RunE from steps.go) and
// binds its flags to the fields of its Options, which live in the domain
// package with Complete / Validate / Run. The Akash knowledge, and the
// support of the tree (usage, completion, fleet, agent, plugins), live in
// the packages the commands call, never here.
package cmd
