package cluster

// Start brings a cluster up for a program that is not a test (the bench), as
// Main does for a test binary: as many kwok nodes as EnvNodes says, and the
// real node, behind the machine-wide real-node lock, when EnvRealNode is 1;
// bin is hack/testbin.sh's directory ("" runs it). The caller Stops it, also
// after an error when the Cluster is not nil; should the program die first,
// the cluster notices its owner is gone and brings itself down.
func Start(bin string) (*Cluster, error) { return start(bin, false) }

// Stop tears a cluster from Start down and returns what its real node left
// on the machine (nothing when the teardown was clean).
func (c *Cluster) Stop() []string {
	c.stop()
	return c.leftovers
}
