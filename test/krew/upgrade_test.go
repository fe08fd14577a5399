package krew_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// upgradeVersion is the release TestKrewUpgradeKeepsCompletion upgrades to
// from testVersion: a higher semantic version, as krew requires.
const upgradeVersion = "v0.0.1-krewtest"

// TestKrewUpgradeKeepsCompletion installs a release from a plugin index the
// way users do (`kubectl krew install akash`), links the completion helper
// as the caveats say, publishes a newer release in the index and runs
// `kubectl krew upgrade`: krew deletes the old version's store directory,
// and kubectl still completes `kubectl akash ...` through the link, now
// with the new version. Everything stays on this machine: the index is a
// local git repository (krew's KREW_DEFAULT_INDEX_URI) and the archives are
// served from a loopback HTTP server.
func TestKrewUpgradeKeepsCompletion(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("hack/dist.sh is a bash script")
	}
	kubectl := kubectlPath(t)
	if testing.Short() {
		t.Skip("builds two releases and krew")
	}
	gitPath, err := exec.LookPath("git")
	if err != nil {
		t.Fatal("krew keeps its plugin index with git, and git is not on PATH")
	}
	_, krew := krewTools(t)
	tmp := t.TempDir()
	for _, d := range []string{"home", "gitbin"} {
		if err := os.Mkdir(filepath.Join(tmp, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// krew runs git from PATH; give it git alone, so kubectl still sees no
	// plugin but krew's.
	if err := os.Symlink(gitPath, filepath.Join(tmp, "gitbin", "git")); err != nil {
		t.Fatal(err)
	}
	releases := filepath.Join(tmp, "releases")
	srv := httptest.NewServer(http.FileServer(http.Dir(releases)))
	defer srv.Close()

	krewRoot := filepath.Join(tmp, "krew")
	index := filepath.Join(tmp, "index")
	env := offlineEnv(tmp, krewRoot)
	krewEnv := append(append([]string{}, env...),
		"PATH="+filepath.Join(krewRoot, "bin")+string(filepath.ListSeparator)+filepath.Join(tmp, "gitbin"),
		"KREW_DEFAULT_INDEX_URI="+index, "GIT_CONFIG_NOSYSTEM=1")
	krewRun := func(args ...string) string {
		cmd := exec.CommandContext(t.Context(), krew, args...)
		cmd.Env = krewEnv
		_, stderr := run(t, cmd)
		return stderr
	}
	git := func(args ...string) {
		cmd := exec.CommandContext(t.Context(), gitPath, append([]string{"-C", index,
			"-c", "user.name=krewtest", "-c", "user.email=krewtest@example.invalid"}, args...)...)
		cmd.Env = krewEnv
		run(t, cmd)
	}
	// publish builds a release and puts it in the index, its uri on the
	// loopback server.
	publish := func(version string) {
		_, manifest := buildRelease(t, tmp, version, "krewtest-"+version)
		b, err := os.ReadFile(manifest)
		if err != nil {
			t.Fatal(err)
		}
		release := "https://github.com/kubectl-akash/kubectl-akash/releases/download/" + version + "/"
		if !strings.Contains(string(b), release) {
			t.Fatalf("%s has no uri under %s", manifest, release)
		}
		local := strings.ReplaceAll(string(b), release, srv.URL+"/"+version+"/")
		if err := os.WriteFile(filepath.Join(index, "plugins", "akash.yaml"), []byte(local), 0o644); err != nil {
			t.Fatal(err)
		}
		git("add", "plugins/akash.yaml")
		git("commit", "-q", "-m", "akash "+version)
	}
	version := func() string {
		cmd := exec.CommandContext(t.Context(), kubectl, "akash", "version", "-o", "json")
		cmd.Env = env
		stdout, _ := run(t, cmd)
		var v struct{ Version string }
		if err := json.Unmarshal([]byte(stdout), &v); err != nil {
			t.Fatalf("kubectl akash version -o json: %v\n%s", err, stdout)
		}
		return v.Version
	}

	if err := os.MkdirAll(filepath.Join(index, "plugins"), 0o755); err != nil {
		t.Fatal(err)
	}
	git("init", "-q")
	publish(testVersion)
	if stderr := krewRun("install", "akash"); !strings.Contains(stderr, "Installed plugin: akash") {
		t.Fatalf("krew install did not report the plugin installed:\n%s", stderr)
	}
	if v := version(); v != testVersion {
		t.Fatalf("installed kubectl akash is %s, want %s", v, testVersion)
	}
	caveats := readManifest(t, filepath.Join(index, "plugins", "akash.yaml")).Spec.Caveats
	linkCompletionHelper(t, caveats, tmp, krewRoot)
	checkCompletes(t, kubectl, env)
	oldStore := filepath.Join(krewRoot, "store", "akash", testVersion)
	if _, err := os.Stat(oldStore); err != nil {
		t.Fatalf("krew installed %s elsewhere than %s: %v", testVersion, oldStore, err)
	}

	publish(upgradeVersion)
	if stderr := krewRun("upgrade"); !strings.Contains(stderr, "Upgraded plugin: akash") {
		t.Fatalf("krew upgrade did not report the plugin upgraded:\n%s", stderr)
	}
	if v := version(); v != upgradeVersion {
		t.Fatalf("upgraded kubectl akash is %s, want %s", v, upgradeVersion)
	}
	// What a link into the store would have pointed at is gone ...
	if _, err := os.Stat(oldStore); !os.IsNotExist(err) {
		t.Fatalf("krew upgrade left %s behind (err %v): the test no longer shows what a store link would lose", oldStore, err)
	}
	// ... and the caveats' link now runs the new version.
	helper := filepath.Join(krewRoot, "bin", "kubectl_complete-akash")
	target, err := filepath.EvalSymlinks(helper)
	if err != nil {
		t.Fatalf("the completion link broke on upgrade: %v", err)
	}
	if want, _ := filepath.EvalSymlinks(filepath.Join(krewRoot, "store", "akash", upgradeVersion, "kubectl-akash")); target != want {
		t.Fatalf("%s resolves to %s, want the upgraded %s", helper, target, want)
	}
	checkCompletes(t, kubectl, env)
}

// linkCompletionHelper runs the caveats' ln command, as a user pastes it,
// with KREW_ROOT set, and checks that it made bin/kubectl_complete-akash.
func linkCompletionHelper(t *testing.T, caveats, tmp, krewRoot string) {
	t.Helper()
	var command []string
	for _, line := range strings.Split(caveats, "\n") {
		line = strings.TrimSpace(line)
		if len(command) == 0 && !strings.HasPrefix(line, "ln ") {
			continue
		}
		command = append(command, line)
		if !strings.HasSuffix(line, `\`) {
			break
		}
	}
	if len(command) == 0 {
		t.Fatalf("the caveats have no ln command:\n%s", caveats)
	}
	cmd := exec.CommandContext(t.Context(), "sh", "-c", strings.Join(command, "\n"))
	cmd.Env = []string{"HOME=" + filepath.Join(tmp, "home"), "KREW_ROOT=" + krewRoot, "PATH=" + os.Getenv("PATH")}
	run(t, cmd)
	if helper := filepath.Join(krewRoot, "bin", "kubectl_complete-akash"); !isExecutable(helper) {
		t.Fatalf("the caveats' %q did not make %s", strings.Join(command, " "), helper)
	}
}

// checkCompletes asks kubectl to complete `kubectl akash lea`: kubectl
// finds kubectl_complete-akash on PATH and prints its answer.
func checkCompletes(t *testing.T, kubectl string, env []string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), kubectl, "__complete", "akash", "lea")
	cmd.Env = env
	stdout, _ := run(t, cmd)
	if !strings.Contains(stdout, "leases\t") || !strings.Contains(stdout, "lease-images\t") {
		t.Fatalf("kubectl __complete akash lea printed:\n%s\nwant the plugin's lease commands", stdout)
	}
}
