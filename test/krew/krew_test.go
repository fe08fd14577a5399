package krew_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// testVersion is stamped into the release this test builds; seeing it come
// back from `kubectl akash version` proves the krew-installed binary ran.
const testVersion = "v0.0.0-krewtest"

// offlineEnv is the whole environment krew and kubectl run with: a private
// HOME and KREW_ROOT, PATH holding only the krew bin directory (so kubectl can
// only find the plugin krew installed), no upgrade check, and every HTTP(S)
// proxy pointed at a closed local port, so a request krew should not make
// fails at once instead of reaching the network.
func offlineEnv(tmp, krewRoot string) []string {
	const nowhere = "http://127.0.0.1:9"
	return []string{
		"HOME=" + filepath.Join(tmp, "home"),
		"TMPDIR=" + tmp,
		"KREW_ROOT=" + krewRoot,
		"PATH=" + filepath.Join(krewRoot, "bin"),
		"KREW_NO_UPGRADE_CHECK=1",
		"HTTP_PROXY=" + nowhere, "HTTPS_PROXY=" + nowhere, "http_proxy=" + nowhere, "https_proxy=" + nowhere,
		"NO_PROXY=", "no_proxy=",
	}
}

// TestManifestTemplateValidates runs krew's own validator on the committed
// template: its placeholders must already be values krew accepts.
func TestManifestTemplateValidates(t *testing.T) {
	if testing.Short() {
		t.Skip("builds krew's validator")
	}
	validator, _ := krewTools(t)
	run(t, exec.CommandContext(t.Context(), validator, "-manifest",
		filepath.Join(repoRoot(t), "krew-manifest", "akash.yaml"), "-skip-install"))
}

// TestDistInstallsWithKrew builds a host-only release with hack/dist.sh, and
// installs it the way users will: krew validates and installs the rendered
// manifest and archive (offline), and kubectl runs the installed plugin.
func TestDistInstallsWithKrew(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("hack/dist.sh is a bash script")
	}
	kubectl := kubectlPath(t)
	if testing.Short() {
		t.Skip("builds a release, krew and its validator")
	}
	root := repoRoot(t)
	validator, krew := krewTools(t)
	tmp := t.TempDir()
	if err := os.Mkdir(filepath.Join(tmp, "home"), 0o755); err != nil {
		t.Fatal(err)
	}
	host := runtime.GOOS + "/" + runtime.GOARCH
	commit := fmt.Sprintf("krewtest-%d", time.Now().UnixNano())

	// Build the release.
	archive, manifest := buildRelease(t, tmp, testVersion, commit)
	archiveFile := filepath.Base(archive)
	dist := filepath.Dir(archive)

	sum, _ := checkArchive(t, archive, filepath.Join(root, "LICENSE"), runtime.GOOS)
	checksums, err := os.ReadFile(filepath.Join(dist, "checksums.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if want := sum + "  " + archiveFile + "\n"; string(checksums) != want {
		t.Errorf("checksums.txt = %q, want %q", checksums, want)
	}

	// The rendered manifest: the template with this release filled in, and only the host platform.
	tmpl := readManifest(t, filepath.Join(root, "krew-manifest", "akash.yaml"))
	got := readManifest(t, manifest)
	if got.Spec.Version != testVersion {
		t.Errorf("rendered spec.version = %q, want %q", got.Spec.Version, testVersion)
	}
	if got.Metadata.Name != tmpl.Metadata.Name || got.Spec.Description != tmpl.Spec.Description || got.Spec.Caveats != tmpl.Spec.Caveats {
		t.Error("rendered manifest lost the template's name, description or caveats")
	}
	if len(got.Spec.Platforms) != 1 {
		t.Fatalf("rendered manifest has %d platforms, want only the one built (%s)", len(got.Spec.Platforms), host)
	}
	pl := got.Spec.Platforms[0]
	if goos, goarch := osArch(t, 0, pl); goos+"/"+goarch != host {
		t.Errorf("rendered platform is %s/%s, want %s", goos, goarch, host)
	}
	checkPlatform(t, testVersion, 0, pl)
	if pl.Sha256 != sum {
		t.Errorf("rendered sha256 = %s, want the archive's %s", pl.Sha256, sum)
	}

	// krew's validator, then krew itself, which checks the archive against the sha256.
	run(t, exec.CommandContext(t.Context(), validator, "-manifest", manifest, "-skip-install"))
	krewRoot := filepath.Join(tmp, "krew")
	cmd := exec.CommandContext(t.Context(), krew, "install", "--manifest="+manifest, "--archive="+archive)
	cmd.Env = offlineEnv(tmp, krewRoot)
	_, stderr := run(t, cmd)
	if !strings.Contains(stderr, "Installed plugin: akash") {
		t.Errorf("krew install did not report the plugin installed:\n%s", stderr)
	}
	if bin := filepath.Join(krewRoot, "bin", "kubectl-akash"); !isExecutable(bin) {
		t.Fatalf("krew did not install %s", bin)
	}

	// kubectl finds the plugin on PATH and runs it.
	cmd = exec.CommandContext(t.Context(), kubectl, "akash", "version", "-o", "json")
	cmd.Env = offlineEnv(tmp, krewRoot)
	stdout, _ := run(t, cmd)
	var v struct{ Version, Commit, Platform string }
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatalf("kubectl akash version -o json: %v\n%s", err, stdout)
	}
	if v.Version != testVersion || v.Commit != commit || v.Platform != host {
		t.Errorf("kubectl akash version = %+v, want version %s, commit %s, platform %s", v, testVersion, commit, host)
	}

	// Completion: the archive holds one binary, and the caveats' link makes
	// kubectl find it as its completion helper.
	linkCompletionHelper(t, got.Spec.Caveats, tmp, krewRoot)
	checkCompletes(t, kubectl, offlineEnv(tmp, krewRoot))
}

// checkArchive checks that a release archive for goos holds exactly the
// executable plugin (named .exe on Windows) and the repository's LICENSE, and returns its sha256 and the plugin binary.
func checkArchive(t *testing.T, path, licensePath, goos string) (sum string, plugin []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	license, err := os.ReadFile(licensePath)
	if err != nil {
		t.Fatal(err)
	}
	exe := ""
	if goos == "windows" {
		exe = ".exe"
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	tr := tar.NewReader(zr)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		names = append(names, h.Name)
		switch h.Name {
		case "kubectl-akash" + exe:
			if h.Typeflag != tar.TypeReg || h.Mode&0o111 == 0 {
				t.Errorf("%s: %s is not an executable file (mode %o)", path, h.Name, h.Mode)
			}
			if plugin, err = io.ReadAll(tr); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		case "LICENSE":
			if got, err := io.ReadAll(tr); err != nil || !bytes.Equal(got, license) {
				t.Errorf("%s: LICENSE differs from the repository's (err %v)", path, err)
			}
		}
	}
	slices.Sort(names)
	if want := "LICENSE kubectl-akash" + exe; strings.Join(names, " ") != want {
		t.Errorf("%s holds %v, want %s", path, names, want)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:]), plugin
}

// buildRelease builds a host-only release of version with hack/dist.sh into
// tmp/releases/VERSION and returns its archive and rendered manifest,
// failing unless dist.sh printed exactly the paths it wrote.
func buildRelease(t *testing.T, tmp, version, commit string) (archive, manifest string) {
	t.Helper()
	root := repoRoot(t)
	dist := filepath.Join(tmp, "releases", version)
	cmd := exec.CommandContext(t.Context(), "bash", filepath.Join(root, "hack", "dist.sh"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "VERSION="+version, "COMMIT="+commit,
		"DIST_DIR="+dist, "DIST_PLATFORMS="+runtime.GOOS+"/"+runtime.GOARCH, "TMPDIR="+tmp)
	stdout, _ := run(t, cmd)
	archive = filepath.Join(dist, archiveName(version, runtime.GOOS, runtime.GOARCH))
	manifest = filepath.Join(dist, "akash.yaml")
	wantOut := strings.Join([]string{archive, filepath.Join(dist, "checksums.txt"), manifest}, "\n") + "\n"
	if stdout != wantOut {
		t.Errorf("dist.sh printed:\n%s\nwant the paths it wrote:\n%s", stdout, wantOut)
	}
	return archive, manifest
}
