package chain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/bounded"
)

// REST reads leases from a chain node's REST API (the gRPC gateway). Chains
// since v1.0.0 serve the market module at v1beta5, older ones at v1beta4;
// REST tries v1beta5 first and falls back once, remembering the answer.
type REST struct {
	// Base is the API's address, e.g. https://api.akashnet.example:443.
	Base string
	// Client does the requests; its Timeout bounds each one.
	Client *http.Client
	// PageSize is pagination.limit (default 100, the chain's default).
	PageSize int

	mu      sync.Mutex
	version string // "v1beta5" or "v1beta4" once known
}

// apiVersions are tried in this order.
var apiVersions = []string{"v1beta5", "v1beta4"}

// Describe names the source.
func (r *REST) Describe() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.version == "" {
		return r.Base
	}
	return r.Base + " (market " + r.version + ")"
}

// restLease is a lease in either API version: the ID is `id` (with bseq) in
// v1beta5 and `lease_id` in v1beta4.
type restLease struct {
	ID        *akash.ManifestLeaseID `json:"id"`
	LeaseID   *akash.ManifestLeaseID `json:"lease_id"`
	State     string                 `json:"state"`
	CreatedAt string                 `json:"created_at"`
	ClosedOn  string                 `json:"closed_on"`
	// Reclamation is null (the fixture's shape) or absent without a window.
	Reclamation *restReclamation `json:"reclamation"`
}

// restReclamation is akash.market.v1.Reclamation in JSON: window is a
// google.protobuf.Duration ("86400s"; some encoders print Go's "24h0m0s"),
// started_at and deadline are int64 (strings in proto JSON, numbers in
// others), reason an enum name or number.
type restReclamation struct {
	Window    json.RawMessage `json:"window"`
	StartedAt akash.Uint      `json:"started_at"`
	Deadline  akash.Uint      `json:"deadline"`
	Reason    json.RawMessage `json:"reason"`
}

func (r *restReclamation) reclamation() *Reclamation {
	if r == nil {
		return nil
	}
	out := &Reclamation{StartedAt: int64(r.StartedAt)}
	var w string
	if json.Unmarshal(r.Window, &w) == nil {
		if d, err := time.ParseDuration(w); err == nil && d > 0 {
			out.Window = d.String()
		}
	} else if len(r.Window) > 0 {
		// a number: nanoseconds, as Go's time.Duration marshals
		var n int64
		if json.Unmarshal(r.Window, &n) == nil && n > 0 {
			out.Window = time.Duration(n).String()
		}
	}
	if r.Deadline != 0 {
		t := time.Unix(int64(r.Deadline), 0).UTC()
		out.Deadline = &t
	}
	var reason string
	if json.Unmarshal(r.Reason, &reason) == nil && reason != "lease_closed_invalid" {
		out.Reason = reason
	}
	if out.Window == "" && !out.Started() {
		return nil // a zero window: no reclamation
	}
	return out
}

type restListResponse struct {
	Leases []struct {
		Lease restLease `json:"lease"`
	} `json:"leases"`
	Pagination struct {
		NextKey *string `json:"next_key"`
	} `json:"pagination"`
}

type restInfoResponse struct {
	Lease restLease `json:"lease"`
}

// restError is the gateway's error body.
type restError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (l restLease) state() (LeaseState, error) {
	id := l.ID
	if id == nil {
		id = l.LeaseID
	}
	if id == nil {
		return LeaseState{}, errors.New("a lease without id or lease_id")
	}
	lid, err := id.LeaseID()
	if err != nil {
		return LeaseState{}, err
	}
	s := LeaseState{ID: lid, State: l.State, Reclamation: l.Reclamation.reclamation()}
	s.CreatedAt, _ = strconv.ParseInt(l.CreatedAt, 10, 64)
	s.ClosedOn, _ = strconv.ParseInt(l.ClosedOn, 10, 64)
	if err := s.ID.Validate(); err != nil {
		return LeaseState{}, err
	}
	return s, nil
}

// errRouteMissing means this API version is not served here.
var errRouteMissing = errors.New("route not served")

// get fetches path?query and decodes the JSON body into out. A 404 or 501
// whose body is the gateway's "Not Found"/"Not Implemented" is
// errRouteMissing; other gateway errors come back as *restError.
func (r *REST) get(ctx context.Context, path string, q url.Values, out any) error {
	u := strings.TrimRight(r.Base, "/") + path + "?" + q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("chain API address %q: %w", r.Base, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := r.Client.Do(req)
	if err != nil {
		return fmt.Errorf("chain API %s did not answer: %w", r.Base, err)
	}
	defer resp.Body.Close()
	body, err := bounded.ReadAll(resp.Body, "the chain API's answer to "+path, bounded.Body)
	if err != nil {
		return fmt.Errorf("chain API %s: reading the answer: %w", r.Base, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e restError
		_ = json.Unmarshal(body, &e)
		if (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusNotImplemented) &&
			(e.Message == "" || e.Message == "Not Found" || e.Message == "Not Implemented") {
			return errRouteMissing
		}
		if e.Message != "" {
			return &e
		}
		return fmt.Errorf("chain API %s answered %s for %s", r.Base, resp.Status, path)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("chain API %s sent malformed JSON for %s: %w", r.Base, path, err)
	}
	return nil
}

func (e *restError) Error() string { return fmt.Sprintf("chain API error %d: %s", e.Code, e.Message) }

// withVersion runs fn with the known API version, or discovers it: the
// first version whose route exists wins.
func (r *REST) withVersion(fn func(version string) error) error {
	r.mu.Lock()
	known := r.version
	r.mu.Unlock()
	if known != "" {
		return fn(known)
	}
	for _, v := range apiVersions {
		err := fn(v)
		if errors.Is(err, errRouteMissing) {
			continue
		}
		if err == nil {
			r.mu.Lock()
			r.version = v
			r.mu.Unlock()
		}
		return err
	}
	return fmt.Errorf("chain API %s serves neither market/v1beta5 nor market/v1beta4 lease queries: is --api a chain node's REST address?", r.Base)
}

// MarketVersion is the market API version the chain serves ("v1beta5",
// "v1beta4"), found the way the lease queries find it: one lease-list
// request of one lease per version tried, the newest first.
func (r *REST) MarketVersion(ctx context.Context) (string, error) {
	err := r.withVersion(func(version string) error {
		var resp restListResponse
		return r.get(ctx, "/akash/market/"+version+"/leases/list", url.Values{"pagination.limit": {"1"}}, &resp)
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.version, err
}

// OpenLeases lists the provider's leases in every open state, page by page.
func (r *REST) OpenLeases(ctx context.Context, provider string) ([]LeaseState, error) {
	var all []LeaseState
	for _, state := range OpenStates {
		got, err := r.list(ctx, provider, state)
		var gwErr *restError
		if state == StateReclaiming && errors.As(err, &gwErr) {
			continue // chains before 2026 have no such state
		}
		if err != nil {
			return nil, err
		}
		all = append(all, got...)
	}
	return all, nil
}

func (r *REST) list(ctx context.Context, provider, state string) ([]LeaseState, error) {
	var out []LeaseState
	err := r.withVersion(func(version string) error {
		var err error
		out, err = collectPages("chain API "+r.Base, func(key string) (resp restListResponse, err error) {
			q := url.Values{}
			q.Set("filters.provider", provider)
			q.Set("filters.state", state)
			q.Set("pagination.limit", strconv.Itoa(r.pageSize()))
			if key != "" {
				q.Set("pagination.key", key)
			}
			err = r.get(ctx, "/akash/market/"+version+"/leases/list", q, &resp)
			return resp, err
		})
		return err
	})
	return out, err
}

// Lease returns one lease's state.
func (r *REST) Lease(ctx context.Context, id akash.LeaseID) (LeaseState, error) {
	var st LeaseState
	err := r.withVersion(func(version string) error {
		q := url.Values{}
		q.Set("id.owner", id.Owner)
		q.Set("id.dseq", strconv.FormatUint(id.DSeq, 10))
		q.Set("id.gseq", strconv.FormatUint(uint64(id.GSeq), 10))
		q.Set("id.oseq", strconv.FormatUint(uint64(id.OSeq), 10))
		q.Set("id.provider", id.Provider)
		var resp restInfoResponse
		err := r.get(ctx, "/akash/market/"+version+"/leases/info", q, &resp)
		var gwErr *restError
		if errors.As(err, &gwErr) && gwErr.Code == 5 { // gRPC NotFound: no such lease
			st = LeaseState{ID: id, State: StateNotFound}
			return nil
		}
		if err != nil {
			return err
		}
		st, err = resp.Lease.state()
		return err
	})
	return st, err
}

func (r *REST) pageSize() int {
	if r.PageSize > 0 {
		return r.PageSize
	}
	return 100
}
