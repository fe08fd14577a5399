package nodedebug

import "github.com/kubectl-akash/kubectl-akash/pkg/plugin/version"

// imageTag is this build's version, or "latest" for development builds.
func imageTag() string {
	v := version.Get().Version
	if v == "" || v == "v0.0.0-dev" {
		return "latest"
	}
	return v
}
