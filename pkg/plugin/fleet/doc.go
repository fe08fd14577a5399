// Package fleet runs one read or check command over many kubeconfig
// contexts and merges what each printed into one answer.
//
// A context is chosen by exact name, /regular expression/, or excluded with
// ^NAME or ^/regular expression/ (the patterns of kubectl foreach), or taken
// from a named fleet of the config file (config.yaml), which also gives each
// context its settings (lease and provider namespace, chain source, signing
// key). Each context's run is independent: it gets a client stack of its own
// (REST config, discovery, REST mapper), so nothing learnt from one cluster
// can answer for another. The runs print an Envelope (package output); Merge
// turns them into one list whose items carry the context in an annotation,
// and one table with a CONTEXT column. A context that fails is one error
// item or row; the others are still reported.
package fleet
