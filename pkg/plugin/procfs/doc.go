// Package procfs parses the few /proc and cgroup files the node checks need:
// /proc/<pid>/stat, /proc/<pid>/status, /proc/<pid>/cgroup, /proc/stat and
// the pids controller's counters. It parses bytes rather than opening files
// where it can, so the parsers are tested on tricky input without a kernel,
// and a scan over 100,000 processes allocates little.
//
// Everything here is pure or reads under an explicit root (FS.Proc), so a
// debug pod can read the host through /host and a test through a synthetic
// tree.
package procfs
