// Package krew_test checks that kubectl-akash ships as a krew plugin: the
// committed manifest template has exactly the shape krew reads, and a release
// built by hack/dist.sh installs with the real krew and runs through kubectl's
// plugin discovery.
package krew_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// The values of krew-manifest/akash.yaml that hack/dist.sh replaces.
const (
	placeholderVersion = "v0.0.0"
	placeholderSHA256  = "0000000000000000000000000000000000000000000000000000000000000000"
)

// plugin mirrors krew's v1alpha2 Plugin schema (sigs.k8s.io/krew/pkg/index),
// written out here so a strict decode rejects any field krew would not read,
// such as a misspelt key that krew would silently ignore.
type plugin struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec pluginSpec `json:"spec"`
}

type pluginSpec struct {
	Version          string     `json:"version"`
	Homepage         string     `json:"homepage"`
	ShortDescription string     `json:"shortDescription"`
	Description      string     `json:"description"`
	Caveats          string     `json:"caveats"`
	Platforms        []platform `json:"platforms"`
}

type platform struct {
	Selector *metav1.LabelSelector `json:"selector"`
	URI      string                `json:"uri"`
	Sha256   string                `json:"sha256"`
	Bin      string                `json:"bin"`
	Files    []fileOperation       `json:"files"`
}

type fileOperation struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// wantPlatforms is every os/arch a release ships for.
var wantPlatforms = []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64"}

var sha256Hex = regexp.MustCompile(`^[a-f0-9]{64}$`)

// readManifest strictly decodes a krew manifest: unknown or duplicate keys fail.
func readManifest(t *testing.T, path string) plugin {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var p plugin
	if err := yaml.UnmarshalStrict(b, &p); err != nil {
		t.Fatalf("%s does not strictly decode as a krew Plugin: %v", path, err)
	}
	return p
}

// osArch returns the os/arch a platform's selector matches, failing unless it
// is exactly one os and one arch label.
func osArch(t *testing.T, i int, p platform) (goos, goarch string) {
	t.Helper()
	if p.Selector == nil || len(p.Selector.MatchExpressions) != 0 || len(p.Selector.MatchLabels) != 2 ||
		p.Selector.MatchLabels["os"] == "" || p.Selector.MatchLabels["arch"] == "" {
		t.Fatalf("platforms[%d].selector = %+v, want matchLabels with exactly os and arch", i, p.Selector)
	}
	return p.Selector.MatchLabels["os"], p.Selector.MatchLabels["arch"]
}

// checkPlatform checks what every platform of a manifest, template or
// rendered, must have: the release uri for its version, a sha256, the binary
// named for its OS, and exactly the binary and LICENSE copied out of the
// archive.
func checkPlatform(t *testing.T, version string, i int, p platform) {
	t.Helper()
	goos, goarch := osArch(t, i, p)
	wantURI := fmt.Sprintf("https://github.com/kubectl-akash/kubectl-akash/releases/download/%s/%s",
		version, archiveName(version, goos, goarch))
	if p.URI != wantURI {
		t.Errorf("%s/%s uri = %q, want %q", goos, goarch, p.URI, wantURI)
	}
	if !sha256Hex.MatchString(p.Sha256) {
		t.Errorf("%s/%s sha256 = %q, want 64 lowercase hex digits", goos, goarch, p.Sha256)
	}
	wantBin := "kubectl-akash"
	if goos == "windows" {
		wantBin += ".exe"
	}
	if p.Bin != wantBin {
		t.Errorf("%s/%s bin = %q, want %q", goos, goarch, p.Bin, wantBin)
	}
	// One binary: it is also the completion helper when linked under that
	// name, so nothing else ships.
	if want := []fileOperation{{From: wantBin, To: "."}, {From: "LICENSE", To: "."}}; !slices.Equal(p.Files, want) {
		t.Errorf("%s/%s files = %+v, want %+v", goos, goarch, p.Files, want)
	}
}

// archiveName is the release archive hack/dist.sh builds for a platform.
func archiveName(version, goos, goarch string) string {
	return fmt.Sprintf("kubectl-akash_%s_%s_%s.tar.gz", version, goos, goarch)
}

func TestManifestTemplate(t *testing.T) {
	root := repoRoot(t)
	p := readManifest(t, filepath.Join(root, "krew-manifest", "akash.yaml"))

	if p.APIVersion != "krew.googlecontainertools.github.com/v1alpha2" || p.Kind != "Plugin" {
		t.Errorf("apiVersion/kind = %s/%s, want krew.googlecontainertools.github.com/v1alpha2/Plugin", p.APIVersion, p.Kind)
	}
	// krew requires the name to match the file name, and it is the command: kubectl akash.
	if p.Metadata.Name != "akash" {
		t.Errorf("metadata.name = %q, want akash", p.Metadata.Name)
	}
	// hack/dist.sh fills in exactly these placeholders; anything else would be shipped as is.
	if p.Spec.Version != placeholderVersion {
		t.Errorf("spec.version = %q, want the placeholder %s", p.Spec.Version, placeholderVersion)
	}
	if p.Spec.Homepage != "https://github.com/kubectl-akash/kubectl-akash" {
		t.Errorf("spec.homepage = %q", p.Spec.Homepage)
	}
	if p.Spec.ShortDescription == "" || strings.ContainsAny(p.Spec.ShortDescription, "\r\n") {
		t.Errorf("spec.shortDescription = %q, want one non-empty line", p.Spec.ShortDescription)
	}
	for _, word := range []string{"rollouts", "manifest", "image", "dangling", "zombie", "certificates", "GPU", "--dry-run", "--yes"} {
		if !strings.Contains(p.Spec.Description, word) {
			t.Errorf("spec.description does not mention %q", word)
		}
	}
	for _, word := range []string{"kubeconfig", "completion"} {
		if !strings.Contains(p.Spec.Caveats, word) {
			t.Errorf("spec.caveats does not mention %q", word)
		}
	}
	// The completion link must point at krew's stable bin/ link: krew
	// deletes a version's store directory when it upgrades.
	if !strings.Contains(p.Spec.Caveats, `/bin/kubectl-akash"`) || strings.Contains(p.Spec.Caveats, "/store/") {
		t.Errorf("spec.caveats must link kubectl_complete-akash to krew's bin/kubectl-akash, never into its store:\n%s", p.Spec.Caveats)
	}

	seen := map[string]bool{}
	for i, pl := range p.Spec.Platforms {
		goos, goarch := osArch(t, i, pl)
		if seen[goos+"/"+goarch] {
			t.Errorf("platform %s/%s listed twice", goos, goarch)
		}
		seen[goos+"/"+goarch] = true
		checkPlatform(t, placeholderVersion, i, pl)
		if pl.Sha256 != placeholderSHA256 {
			t.Errorf("%s/%s sha256 = %q, want the placeholder of 64 zeros", goos, goarch, pl.Sha256)
		}
	}
	for _, want := range wantPlatforms {
		if !seen[want] {
			t.Errorf("platform %s missing", want)
		}
	}
	if len(p.Spec.Platforms) != len(wantPlatforms) {
		t.Errorf("%d platforms, want %d: %v", len(p.Spec.Platforms), len(wantPlatforms), wantPlatforms)
	}

	// Every archive ships the LICENSE the manifest copies out of it.
	license, err := os.ReadFile(filepath.Join(root, "LICENSE"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(license), "Apache License") || !strings.Contains(string(license), "Version 2.0, January 2004") {
		t.Error("LICENSE is not the Apache License 2.0")
	}
}
