// Package plugins turns plugins.yaml entries into `kubectl akash <name>`
// commands without recompiling: each entry names the resources to LIST, a jq
// program (gojq) that turns the fetched lists into rows, and the table
// columns. The plugin ships its own entries (plugins.yaml at the repository
// root, embedded in the binary); an operator's file adds or overrides entries.
//
// Loading validates everything that can be checked without a cluster —
// unknown keys, duplicate names, names taken by built-in commands, jq that does
// not compile, malformed selectors and resource names — and reports each
// problem with the file, the entry and the field. A bad entry is skipped, never
// the built-in commands. Resource names (deploy, mani,
// manifests.akash.network, deployments.v1.apps) are resolved through API
// discovery when the command runs, exactly as kubectl resolves them.
package plugins
