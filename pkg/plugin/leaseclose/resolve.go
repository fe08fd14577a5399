package leaseclose

import (
	"fmt"
	"io"
	"os"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// Resolve completes a lease named by --owner/--dseq/--gseq/--oseq with its
// provider: id's own when given, else the one of the lease's Manifest. A
// lease this cluster does not run needs the provider named, so that a typo
// in --dseq is not closed blindly.
func Resolve(id akash.LeaseID, manifests []*akash.Manifest, leaseNamespace string) (akash.LeaseID, error) {
	if id.Provider != "" {
		return id, nil
	}
	for _, m := range manifests {
		mid, ok := m.LeaseID()
		if ok && akash.SameAddress(mid.Owner, id.Owner) && mid.DSeq == id.DSeq && mid.GSeq == id.GSeq && mid.OSeq == id.OSeq {
			return mid, nil
		}
	}
	return akash.LeaseID{}, fmt.Errorf("lease %s/%d/%d/%d has no Manifest in namespace %s: check --dseq/--gseq/--oseq, or pass --provider to close a lease this cluster does not run",
		id.Owner, id.DSeq, id.GSeq, id.OSeq, leaseNamespace)
}

// ReadInputFile reads the lease list of -f name: stdin for "-".
func ReadInputFile(name string, stdin io.Reader) (Input, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return Input{}, fmt.Errorf("-f: %w", err)
		}
		defer f.Close()
		r = f
	}
	return ReadInput(r, name)
}
