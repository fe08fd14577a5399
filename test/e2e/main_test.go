// Package e2e holds end-to-end tests against a real local cluster; see package
// test/cluster for how it is started and how tests reach it.
package e2e

import (
	"os"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

func TestMain(m *testing.M) { os.Exit(cluster.Main(m)) }
