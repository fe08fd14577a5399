package krew_test

import (
	"bytes"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestDistBuildsEveryPlatform runs hack/dist.sh as `make dist` does, for
// every platform of the manifest: each archive holds the plugin built for
// its OS and CPU, checksums.txt and the rendered manifest carry each
// archive's sha256, and no platform is left out.
func TestDistBuildsEveryPlatform(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("hack/dist.sh is a bash script")
	}
	if testing.Short() {
		t.Skip("builds a release for every platform")
	}
	root := repoRoot(t)
	tmp := t.TempDir()
	dist := filepath.Join(tmp, "dist")
	cmd := exec.CommandContext(t.Context(), "bash", filepath.Join(root, "hack", "dist.sh"))
	cmd.Dir = root
	env := []string{"VERSION=" + testVersion, "COMMIT=krewtest", "DIST_DIR=" + dist, "TMPDIR=" + tmp}
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "DIST_PLATFORMS=") {
			env = append(env, e)
		}
	}
	cmd.Env = env
	stdout, _ := run(t, cmd)

	tmpl := readManifest(t, filepath.Join(root, "krew-manifest", "akash.yaml"))
	got := readManifest(t, filepath.Join(dist, "akash.yaml"))
	if len(got.Spec.Platforms) != len(tmpl.Spec.Platforms) {
		t.Fatalf("rendered manifest has %d platforms, want the template's %d", len(got.Spec.Platforms), len(tmpl.Spec.Platforms))
	}
	checksums, err := os.ReadFile(filepath.Join(dist, "checksums.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var wantOut, wantSums strings.Builder
	for i, pl := range got.Spec.Platforms {
		goos, goarch := osArch(t, i, pl)
		if tgoos, tgoarch := osArch(t, i, tmpl.Spec.Platforms[i]); tgoos != goos || tgoarch != goarch {
			t.Fatalf("rendered platform %d is %s/%s, the template's %s/%s", i, goos, goarch, tgoos, tgoarch)
		}
		checkPlatform(t, testVersion, i, pl)
		name := archiveName(testVersion, goos, goarch)
		sum, plugin := checkArchive(t, filepath.Join(dist, name), filepath.Join(root, "LICENSE"), goos)
		if pl.Sha256 != sum {
			t.Errorf("%s/%s: rendered sha256 = %s, want the archive's %s", goos, goarch, pl.Sha256, sum)
		}
		if err := checkBinary(plugin, goos, goarch); err != nil {
			t.Errorf("%s: kubectl-akash: %v", name, err)
		}
		fmt.Fprintf(&wantOut, "%s\n", filepath.Join(dist, name))
		fmt.Fprintf(&wantSums, "%s  %s\n", sum, name)
	}
	fmt.Fprintf(&wantOut, "%s\n%s\n", filepath.Join(dist, "checksums.txt"), filepath.Join(dist, "akash.yaml"))
	if stdout != wantOut.String() {
		t.Errorf("dist.sh printed:\n%s\nwant the paths it wrote:\n%s", stdout, wantOut.String())
	}
	if string(checksums) != wantSums.String() {
		t.Errorf("checksums.txt =\n%s\nwant\n%s", checksums, wantSums.String())
	}
}

// checkBinary checks that b is an executable for goos/goarch: ELF on
// Linux, Mach-O on macOS, PE on Windows, for the right CPU.
func checkBinary(b []byte, goos, goarch string) error {
	r := bytes.NewReader(b)
	var got string
	switch goos {
	case "linux":
		f, err := elf.NewFile(r)
		if err != nil {
			return fmt.Errorf("not ELF: %v", err)
		}
		got = map[elf.Machine]string{elf.EM_X86_64: "amd64", elf.EM_AARCH64: "arm64"}[f.Machine]
	case "darwin":
		f, err := macho.NewFile(r)
		if err != nil {
			return fmt.Errorf("not Mach-O: %v", err)
		}
		got = map[macho.Cpu]string{macho.CpuAmd64: "amd64", macho.CpuArm64: "arm64"}[f.Cpu]
	case "windows":
		f, err := pe.NewFile(r)
		if err != nil {
			return fmt.Errorf("not PE: %v", err)
		}
		got = map[uint16]string{pe.IMAGE_FILE_MACHINE_AMD64: "amd64", pe.IMAGE_FILE_MACHINE_ARM64: "arm64"}[f.Machine]
	default:
		return fmt.Errorf("no check for %s binaries", goos)
	}
	if got != goarch {
		return fmt.Errorf("built for CPU %q, want %s", got, goarch)
	}
	return nil
}
