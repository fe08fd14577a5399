// Package version holds the build's version and commit, stamped by the
// Makefile with -ldflags, or read from the module build info when the binary
// was built with `go install ...@vX`.
package version

import (
	"runtime"
	"runtime/debug"
)

// Set at link time: -X github.com/kubectl-akash/kubectl-akash/pkg/plugin/version.version=v0.1.0
var (
	version = ""
	commit  = ""
)

// Info is what `kubectl akash version` reports.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// Get returns the build's version information.
func Get() Info {
	info := Info{Version: version, Commit: commit, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && info.Commit == "" {
				info.Commit = s.Value
			}
		}
	}
	if info.Version == "" {
		info.Version = "v0.0.0-dev"
	}
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	return info
}

// UserAgent is sent with every API request, so the audit log names the tool.
func UserAgent() string {
	return "kubectl-akash/" + Get().Version + " (" + runtime.GOOS + "/" + runtime.GOARCH + ")"
}
