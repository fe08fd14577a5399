package cluster

import "testing"

// Another starts a second cluster, on ports of its own (the port locks keep
// it apart from every other test process's), for a test that needs two API
// servers: one kwok node, no real node. It is torn down when the test ends;
// if the test binary dies first, it notices its owner is gone and brings
// itself down, as the package's cluster does.
func Another(t testing.TB) *Cluster {
	t.Helper()
	first := Get(t)
	c, err := start(first.BinDir, true)
	if c != nil {
		t.Cleanup(c.stop)
	}
	if err != nil {
		t.Fatalf("a second test cluster: %v", err)
	}
	return c
}
