package chain

import (
	"context"
	"fmt"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// Lease states on chain. "reclaiming" exists on 2026 chains only.
const (
	StateActive            = "active"
	StateInsufficientFunds = "insufficient_funds"
	StateReclaiming        = "reclaiming"
	StateClosed            = "closed"
	// StateNotFound is not a chain state: the chain has no such lease.
	StateNotFound = "not found"
)

// OpenStates are the states in which a lease is still the provider's to
// serve (and the tenant's to pay).
var OpenStates = []string{StateActive, StateInsufficientFunds, StateReclaiming}

// LeaseState is one lease as the chain reports it.
type LeaseState struct {
	ID    akash.LeaseID `json:"leaseID"`
	State string        `json:"state"`
	// CreatedAt and ClosedOn are block heights (0 when unknown or open).
	CreatedAt int64 `json:"createdAt,omitempty"`
	ClosedOn  int64 `json:"closedOn,omitempty"`
	// Reclamation is set when the lease has a reclamation window (2026
	// chains, providers that offer one): it cannot be closed early, only
	// reclaimed, and is closed by the chain at the deadline.
	Reclamation *Reclamation `json:"reclamation,omitempty"`
}

// Reclamation is a lease's reclamation window and, once started, its
// deadline. The chain stores the start as a block height and the deadline
// as a unix time (akash.market.v1.Reclamation).
type Reclamation struct {
	// Window is the negotiated duration ("24h0m0s"); empty when the chain
	// sent one this plugin cannot read.
	Window string `json:"window,omitempty"`
	// StartedAt is the block height reclaiming started at; 0: not started.
	StartedAt int64 `json:"startedAt,omitempty"`
	// Deadline is when the window expires; nil: not started.
	Deadline *time.Time `json:"deadline,omitempty"`
	// Reason is the provider's stated reason, as the chain names it.
	Reason string `json:"reason,omitempty"`
}

// Started reports whether reclaiming has begun.
func (r *Reclamation) Started() bool { return r != nil && (r.StartedAt != 0 || r.Deadline != nil) }

// Describe is the reclamation in a few words, relative to now.
func (r *Reclamation) Describe(now time.Time) string {
	if r == nil {
		return ""
	}
	if r.Deadline == nil {
		if r.Window == "" {
			return "has a reclamation window, not started"
		}
		return "has a reclamation window of " + r.Window + ", not started"
	}
	d := r.Deadline.UTC().Format(time.RFC3339)
	if left := r.Deadline.Sub(now); left > 0 {
		return fmt.Sprintf("reclaiming until %s (in %s)", d, left.Round(time.Second))
	}
	return "reclamation deadline " + d + " has passed"
}

// LeaseSource reads the provider's leases from the chain.
type LeaseSource interface {
	// OpenLeases returns every lease of provider in an open state, all
	// groups and orders (never only gseq=1/oseq=1).
	OpenLeases(ctx context.Context, provider string) ([]LeaseState, error)
	// Lease returns one lease's state; a lease the chain does not know has
	// State StateNotFound and a nil error. An error means "unknown".
	Lease(ctx context.Context, id akash.LeaseID) (LeaseState, error)
	// Describe names the source in messages ("https://api.example/ (v1beta5)").
	Describe() string
}

// maxPages bounds a paginated lease listing, against a server that keeps
// handing out next keys.
const maxPages = 100000

// collectPages reads every page of a lease listing (REST or CLI, the same
// JSON): fetch gets the page after key ("" for the first). what names the
// source in errors.
func collectPages(what string, fetch func(key string) (restListResponse, error)) ([]LeaseState, error) {
	var out []LeaseState
	key := ""
	for page := 0; ; page++ {
		if page > maxPages {
			return nil, fmt.Errorf("%s: more than %d pages of leases", what, maxPages)
		}
		resp, err := fetch(key)
		if err != nil {
			return nil, err
		}
		for _, l := range resp.Leases {
			s, err := l.Lease.state()
			if err != nil {
				return nil, fmt.Errorf("%s sent a malformed lease: %w", what, err)
			}
			out = append(out, s)
		}
		if resp.Pagination.NextKey == nil || *resp.Pagination.NextKey == "" {
			return out, nil
		}
		key = *resp.Pagination.NextKey
	}
}
