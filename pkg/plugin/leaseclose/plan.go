package leaseclose

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// newItem plans closing one lease.
func newItem(id akash.LeaseID, reason uint32) LeaseClose {
	ns := id.Namespace()
	return LeaseClose{
		TypeMeta:   output.TypeMeta(Kind),
		ObjectMeta: metav1.ObjectMeta{Name: ns},
		Spec:       LeaseCloseSpec{LeaseID: id, Namespace: ns, Reason: reason},
		Status:     LeaseCloseStatus{Actions: []*execute.Action{chain.NewCloseBidAction(id, reason)}},
	}
}

// ByID plans closing the given leases, in the order given, adding what the
// cluster's Manifests (by lease namespace, snapshot.ManifestByNamespace) say
// runs under each. IDs must be valid and distinct.
func ByID(ids []akash.LeaseID, byNS map[string]*akash.Manifest, reason uint32) []LeaseClose {
	out := make([]LeaseClose, 0, len(ids))
	for _, id := range ids {
		it := newItem(id, reason)
		if m := byNS[it.Name]; m != nil {
			it.Status.Manifest = true
			it.Spec.Services = services(m)
		}
		out = append(out, it)
	}
	return out
}

// FromInput plans closing the leases of a -f input, in input order, as
// ByID does; a lease the input marks as dropped is listed with a Skipped
// outcome that says why, and is never closed.
func FromInput(in Input, byNS map[string]*akash.Manifest, reason uint32) []LeaseClose {
	ids := make([]akash.LeaseID, len(in.Leases))
	for i, l := range in.Leases {
		ids[i] = l.ID
	}
	items := ByID(ids, byNS, reason)
	for i, l := range in.Leases {
		if l.Dropped != nil {
			items[i].Status.Actions[0].Outcome = execute.Outcome{Result: execute.Skipped, Message: "not taken from -f: " + l.Reason()}
		}
	}
	return items
}

// ExcludedMessage is the outcome message of a lease protected by
// --exclude-owner.
const ExcludedMessage = "owner protected by --exclude-owner"

// Exclude marks every still-planned lease of the given owners Skipped:
// listed, so the protection shows, and never closed. Owners compare
// whatever their case (bech32 allows AKASH1... for akash1...).
func Exclude(items []LeaseClose, owners []string) {
	excluded := excludedOwners(owners)
	for i := range items {
		if !excluded(items[i].Spec.LeaseID.Owner) {
			continue
		}
		for _, a := range items[i].Status.Actions {
			if a.Result == execute.Planned {
				a.Outcome = execute.Outcome{Result: execute.Skipped, Message: ExcludedMessage}
			}
		}
	}
}

func excludedOwners(owners []string) func(string) bool {
	set := make(map[string]bool, len(owners))
	for _, o := range owners {
		set[strings.ToLower(o)] = true
	}
	return func(owner string) bool { return set[strings.ToLower(owner)] }
}

// ImageFilter selects leases by the images of their services.
type ImageFilter struct {
	// Images are the --image expressions, compiled case-insensitively.
	Images []*regexp.Regexp
	// ExcludeOwners are tenants whose leases are never closed; their
	// matches are listed, with a Skipped outcome, so the protection shows.
	// Compared whatever their case.
	ExcludeOwners []string
}

// ByImage plans closing every lease whose Manifest has a service image
// matching any of f.Images, sorted by lease ID. A Manifest without a usable
// lease ID is reported through errs and never closed.
func ByImage(manifests []*akash.Manifest, f ImageFilter, reason uint32) (items []LeaseClose, errs []error) {
	for _, m := range manifests {
		var matches []Match
		for _, svc := range m.Spec.Group.Services {
			for _, re := range f.Images {
				if re.MatchString(svc.Image) {
					matches = append(matches, Match{Service: svc.Name, Image: svc.Image, Pattern: strings.TrimPrefix(re.String(), "(?i)")})
					break
				}
			}
		}
		if len(matches) == 0 {
			continue
		}
		id, ok := m.LeaseID()
		if !ok {
			errs = append(errs, fmt.Errorf("manifest %s/%s matches --image but has no valid lease ID (spec.lease_id or lease labels): not closed", m.Namespace, m.Name))
			continue
		}
		it := newItem(id, reason)
		it.Status.Manifest = true
		it.Spec.Services = services(m)
		it.Spec.Matches = matches
		if it.Name != m.Name {
			// The Manifest is named after its lease's namespace; a mismatch
			// means the CR is not what the provider wrote. Do not act on it.
			errs = append(errs, fmt.Errorf("manifest %s/%s: its lease %s belongs in namespace %s: not closed", m.Namespace, m.Name, id, it.Name))
			continue
		}
		items = append(items, it)
	}
	Exclude(items, f.ExcludeOwners)
	sort.Slice(items, func(i, j int) bool { return items[i].Spec.LeaseID.Compare(items[j].Spec.LeaseID) < 0 })
	return items, errs
}

// CheckNotAll refuses an image match that takes every one of total leases
// (more than one): a too-wide expression would close the whole provider.
// An explicit --max-leases (capSet) says the operator means it.
func CheckNotAll(matched, total int, capSet bool) error {
	if total > 1 && matched == total && !capSet {
		return fmt.Errorf("--image matches every one of the %d leases in the cluster: refusing; write a narrower expression, or pass --max-leases %d if you mean to close them all", total, total)
	}
	return nil
}

// CheckOneProvider refuses a plan whose leases belong to more than one
// provider: a provider's key closes only its own bids, so such input is
// not this provider's list.
func CheckOneProvider(items []LeaseClose) error {
	seen := map[string]bool{}
	var providers []string
	for _, it := range items {
		if p := it.Spec.LeaseID.Provider; !seen[p] {
			seen[p] = true
			providers = append(providers, p)
		}
	}
	if len(providers) > 1 {
		return fmt.Errorf("the leases belong to %d providers (%s): a provider can close only its own bids, so give one provider's leases", len(providers), strings.Join(providers, ", "))
	}
	return nil
}

// Plan is one group per lease, in order: a lease's close is its own
// subject, so one that fails does not stop the others. Each transaction's
// answer is recorded in its item's status.
func Plan(items []LeaseClose) *execute.Plan {
	p := &execute.Plan{}
	for i := range items {
		it := &items[i]
		for _, a := range it.Status.Actions {
			if tx, ok := a.Payload.(*chain.CloseBidTx); ok {
				tx.Into = &it.Status.Transaction
			}
		}
		p.Add("lease "+it.Spec.LeaseID.String(), it.Status.Actions...)
	}
	return p
}

// List wraps items in a LeaseCloseList.
func List(items []LeaseClose) LeaseCloseList {
	if items == nil {
		items = []LeaseClose{}
	}
	return LeaseCloseList{TypeMeta: output.ListMeta(Kind), Items: items}
}

func services(m *akash.Manifest) []Service {
	out := make([]Service, 0, len(m.Spec.Group.Services))
	for _, s := range m.Spec.Group.Services {
		out = append(out, Service{Name: s.Name, Image: s.Image})
	}
	return out
}
