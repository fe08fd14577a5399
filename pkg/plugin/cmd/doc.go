// Package cmd wires the cobra commands of `kubectl akash`. Each command has an
// Options struct, a NewCmd constructor that binds flags, and Complete /
// Validate / Run steps; the Akash knowledge itself lives in the packages the
// commands call (akash, snapshot, leases, execute, ...), never here.
package cmd
