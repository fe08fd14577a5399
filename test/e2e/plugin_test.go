package e2e

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

// pluginBinary builds cmd/kubectl-akash once per package run, into the
// cluster's state dir (removed at teardown).
func pluginBinary(t *testing.T, c *cluster.Cluster) string {
	t.Helper()
	built.once.Do(func() {
		built.path = filepath.Join(c.Dir, "kubectl-akash")
		out, err := exec.Command("go", "build", "-o", built.path, "../../cmd/kubectl-akash").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

var built struct {
	once sync.Once
	path string
	err  error
}
