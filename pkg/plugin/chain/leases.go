package chain

import (
	"context"
	"fmt"

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
