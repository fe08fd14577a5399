// Package output prints every command's results the way kubectl users expect:
// a human table (and -o wide), or the result objects themselves as json, yaml,
// name, jsonpath, go-template or custom-columns through cli-runtime's printers,
// or the value of a jq program (--jq, evaluated with gojq).
//
// Results are API-style objects (apiVersion kubectl-akash.akash.network/v1alpha1,
// a kind per result type, lists as <Kind>List with items). Commands build plain
// Go structs; this package turns them into unstructured objects once, so every
// printer sees the same data.
package output
