package nodedebug

import "github.com/kubectl-akash/kubectl-akash/pkg/plugin/version"

// ImageRepository is where the release pipeline publishes the agent image
// (built by `make image`).
const ImageRepository = "ghcr.io/kubectl-akash/kubectl-akash"

// ImageFor is the published image of a version: tagged with the version, or
// "latest" for development builds.
func ImageFor(v string) string {
	if v == "" || v == "v0.0.0-dev" {
		return ImageRepository + ":latest"
	}
	return ImageRepository + ":" + v
}

// imageTag is this build's image tag.
func imageTag() string {
	ref := ImageFor(version.Get().Version)
	return ref[len(ImageRepository)+1:]
}
