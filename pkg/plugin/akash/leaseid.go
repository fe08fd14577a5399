package akash

import (
	"cmp"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// LeaseID identifies a lease on the Akash chain: the tenant (owner), the
// deployment sequence (dseq), group and order sequences, and the provider.
// DSeq is a block height and needs 64 bits; it is a decimal string in the
// Manifest CRD and a number in ProviderHost, so both are handled by the
// accessors, never by callers.
type LeaseID struct {
	Owner    string `json:"owner"`
	DSeq     uint64 `json:"dseq,string"`
	GSeq     uint32 `json:"gseq"`
	OSeq     uint32 `json:"oseq"`
	Provider string `json:"provider"`
}

// String renders the lease the way the provider and its docs do:
// owner/dseq/gseq/oseq/provider. It is also the input of the namespace hash.
func (id LeaseID) String() string {
	return fmt.Sprintf("%s/%d/%d/%d/%s", id.Owner, id.DSeq, id.GSeq, id.OSeq, id.Provider)
}

// Compare orders leases by owner, then by dseq, gseq and oseq as numbers:
// -1, 0 or +1, as cmp.Compare. The provider is not compared.
func (id LeaseID) Compare(o LeaseID) int {
	return cmp.Or(strings.Compare(id.Owner, o.Owner), cmp.Compare(id.DSeq, o.DSeq), cmp.Compare(id.GSeq, o.GSeq), cmp.Compare(id.OSeq, o.OSeq))
}

// namespaceEncoding is base32 with the extended-hex alphabet and no padding,
// which is what the provider uses to turn the lease hash into a DNS label.
var namespaceEncoding = base32.HexEncoding.WithPadding(base32.NoPadding)

// Namespace returns the Kubernetes namespace the provider creates for this
// lease: lowercase(base32hex-without-padding(SHA-224(String()))), 45 characters.
// A bseq field that newer chains add to lease IDs is not part of this hash.
func (id LeaseID) Namespace() string {
	sum := sha256.Sum224([]byte(id.String()))
	return strings.ToLower(namespaceEncoding.EncodeToString(sum[:]))
}

// Validate reports the first field that cannot belong to a real lease.
func (id LeaseID) Validate() error {
	switch {
	case id.Owner == "":
		return fmt.Errorf("lease %s: owner is empty", id)
	case id.Provider == "":
		return fmt.Errorf("lease %s: provider is empty", id)
	case id.DSeq == 0:
		return fmt.Errorf("lease %s: dseq must be a positive integer", id)
	case id.GSeq == 0 || id.OSeq == 0:
		return fmt.Errorf("lease %s: gseq and oseq start at 1", id)
	}
	return nil
}

// ParseLeaseID reads "owner/dseq/gseq/oseq/provider". A sixth, trailing
// bseq component (newer chains) is accepted and ignored, because it does not
// change which workload the lease is.
func ParseLeaseID(s string) (LeaseID, error) {
	parts := strings.Split(strings.TrimSpace(s), "/")
	if len(parts) != 5 && len(parts) != 6 {
		return LeaseID{}, fmt.Errorf("lease ID %q: want owner/dseq/gseq/oseq/provider", s)
	}
	dseq, err := parseSeq("dseq", parts[1], 64)
	if err != nil {
		return LeaseID{}, fmt.Errorf("lease ID %q: %w", s, err)
	}
	gseq, err := parseSeq("gseq", parts[2], 32)
	if err != nil {
		return LeaseID{}, fmt.Errorf("lease ID %q: %w", s, err)
	}
	oseq, err := parseSeq("oseq", parts[3], 32)
	if err != nil {
		return LeaseID{}, fmt.Errorf("lease ID %q: %w", s, err)
	}
	id := LeaseID{Owner: parts[0], DSeq: dseq, GSeq: uint32(gseq), OSeq: uint32(oseq), Provider: parts[4]}
	if err := id.Validate(); err != nil {
		return LeaseID{}, err
	}
	return id, nil
}

// parseSeq reads a decimal sequence number of the given width, saying which
// field is wrong and why.
func parseSeq(field, s string, bits int) (uint64, error) {
	v, err := strconv.ParseUint(s, 10, bits)
	if errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("%s %s is out of range: at most %d", field, s, uint64(math.MaxUint64)>>(64-bits))
	}
	if err != nil {
		return 0, fmt.Errorf("%s %q is not an unsigned integer", field, s)
	}
	return v, nil
}
