// Package chainapi is a stand-in for an Akash chain node's REST API (the gRPC
// gateway) in tests: it serves the market module's lease list and info
// queries on loopback in the shapes real chains answer with — v1beta5
// (lease.id with bseq) or v1beta4 (lease.lease_id) — with real pagination
// through next_key, and can be told to fail in the ways real APIs do.
package chainapi

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// Lease is one lease the server knows.
type Lease struct {
	ID        akash.LeaseID
	State     string // active, insufficient_funds, closed, reclaiming
	CreatedAt int64
	ClosedOn  int64
	// Reclamation, when set, is served as the lease's reclamation
	// (v1beta5 only), in proto JSON: window as a Duration ("86400s"),
	// started_at and deadline as int64 strings.
	Reclamation *Reclamation
}

// Reclamation is a lease's reclamation window; StartedAt 0 and a zero
// Deadline: not started.
type Reclamation struct {
	Window    time.Duration
	StartedAt int64
	Deadline  time.Time
}

// Server is the stand-in API. Change its fields only before the first request
// or under Lock.
type Server struct {
	sync.Mutex
	// Version is "v1beta5" (default) or "v1beta4": the other one answers 404
	// Not Found, like a chain that does not serve it.
	Version string
	Leases  []Lease
	// MaxPage caps pagination.limit, to force several pages.
	MaxPage int
	// Broken makes every answer malformed JSON.
	Broken bool
	// Fail makes every answer a 500.
	Fail bool
	// Delay is added before each answer.
	Delay time.Duration
	// FailInfo makes the info query of these dseqs answer 500.
	FailInfo map[uint64]bool
	// Requests counts requests by path.
	Requests map[string]int
	// IgnoreQuery makes the lease queries answer as a broken or lying
	// endpoint would: list returns every lease whatever the filters, info
	// returns the first lease whatever was asked.
	IgnoreQuery bool
	// Height is the latest block's height (default 10,000), made now;
	// block h was made (Height-h) × BlockTime ago.
	Height    int64
	BlockTime time.Duration
	// OnBlock and OnInfo, when set, run before a block query or a lease
	// info query is answered: a test changes the cluster there, between a
	// command's read and its action.
	OnBlock, OnInfo func()

	srv *httptest.Server
}

// Start serves on loopback until the test ends.
func Start(t testing.TB, leases ...Lease) *Server {
	s := New(leases...)
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.srv.Close)
	return s
}

// New is a stand-in that is not serving yet: ServeHTTP answers, for a
// server of the caller's (the demo serves it on loopback).
func New(leases ...Lease) *Server {
	return &Server{Version: "v1beta5", Leases: leases, Requests: map[string]int{}, Height: 10000, BlockTime: 6 * time.Second}
}

// ServeHTTP answers one request as a chain's REST API would.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.serve(w, r) }

// URL is the API's base address.
func (s *Server) URL() string { return s.srv.URL }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.Lock()
	s.Requests[r.URL.Path]++
	version, broken, fail, delay := s.Version, s.Broken, s.Fail, s.Delay
	onBlock, onInfo := s.OnBlock, s.OnInfo
	s.Unlock()
	if onBlock != nil && strings.HasPrefix(r.URL.Path, "/cosmos/base/tendermint/v1beta1/blocks/") {
		onBlock()
	}
	if onInfo != nil && strings.HasSuffix(r.URL.Path, "/leases/info") {
		onInfo()
	}
	select {
	case <-time.After(delay):
	case <-r.Context().Done():
		return // the client gave up: do not keep the test waiting
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case fail:
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"code":13,"message":"internal error","details":[]}`)
		return
	case broken:
		fmt.Fprint(w, `{"leases":[{"lease":`)
		return
	}
	switch r.URL.Path {
	case "/akash/market/" + version + "/leases/list":
		s.list(w, r, version)
	case "/akash/market/" + version + "/leases/info":
		s.info(w, r, version)
	case "/cosmos/base/tendermint/v1beta1/blocks/latest":
		s.block(w, -1)
	default:
		if h, ok := strings.CutPrefix(r.URL.Path, "/cosmos/base/tendermint/v1beta1/blocks/"); ok {
			n, err := strconv.ParseInt(h, 10, 64)
			if err == nil {
				s.block(w, n)
				return
			}
		}
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"code":5,"message":"Not Found","details":[]}`)
	}
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, version string) {
	q := r.URL.Query()
	state, provider := q.Get("filters.state"), q.Get("filters.provider")
	if version == "v1beta4" && state == "reclaiming" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"code":3,"message":"invalid lease state: reclaiming","details":[]}`)
		return
	}
	limit, _ := strconv.Atoi(q.Get("pagination.limit"))
	if limit <= 0 {
		limit = 100
	}
	if s.MaxPage > 0 && limit > s.MaxPage {
		limit = s.MaxPage
	}
	offset := 0
	if key := q.Get("pagination.key"); key != "" {
		raw, err := base64.StdEncoding.DecodeString(key)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"code":3,"message":"invalid pagination key","details":[]}`)
			return
		}
		offset, _ = strconv.Atoi(string(raw))
	}
	s.Lock()
	var match []Lease
	for _, l := range s.Leases {
		if s.IgnoreQuery || (state == "" || l.State == state) && (provider == "" || l.ID.Provider == provider) {
			match = append(match, l)
		}
	}
	s.Unlock()
	end := min(offset+limit, len(match))
	page := []any{}
	for _, l := range match[min(offset, len(match)):end] {
		page = append(page, map[string]any{"lease": s.render(l, version), "escrow_payment": map[string]any{"state": "open"}})
	}
	var next any
	if end < len(match) {
		next = base64.StdEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"leases": page, "pagination": map[string]any{"next_key": next, "total": "0"}})
}

func (s *Server) info(w http.ResponseWriter, r *http.Request, version string) {
	q := r.URL.Query()
	s.Lock()
	defer s.Unlock()
	if dseq, _ := strconv.ParseUint(q.Get("id.dseq"), 10, 64); s.FailInfo[dseq] {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"code":13,"message":"rpc error: code = Internal desc = store read failed","details":[]}`)
		return
	}
	for _, l := range s.Leases {
		id := l.ID
		if s.IgnoreQuery || q.Get("id.owner") == id.Owner && q.Get("id.dseq") == strconv.FormatUint(id.DSeq, 10) &&
			q.Get("id.gseq") == strconv.FormatUint(uint64(id.GSeq), 10) && q.Get("id.oseq") == strconv.FormatUint(uint64(id.OSeq), 10) &&
			q.Get("id.provider") == id.Provider {
			_ = json.NewEncoder(w).Encode(map[string]any{"lease": s.render(l, version), "escrow_payment": map[string]any{}})
			return
		}
	}
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprint(w, `{"code":5,"message":"rpc error: code = NotFound desc = lease not found: unknown request","details":[]}`)
}

// block answers the Cosmos SDK's block query for height h (-1: the
// latest) with the header's height and time.
func (s *Server) block(w http.ResponseWriter, h int64) {
	s.Lock()
	latest, bt := s.Height, s.BlockTime
	s.Unlock()
	if h < 0 {
		h = latest
	}
	if h < 1 || h > latest {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"code":3,"message":"requested block height %d is greater than the latest height %d","details":[]}`, h, latest)
		return
	}
	at := time.Now().Add(-time.Duration(latest-h) * bt).UTC()
	_ = json.NewEncoder(w).Encode(map[string]any{"block": map[string]any{"header": map[string]any{
		"height": strconv.FormatInt(h, 10), "time": at.Format(time.RFC3339Nano), "chain_id": "akashnet-stand-in"}}})
}

// render writes a lease in the version's shape.
func (s *Server) render(l Lease, version string) map[string]any {
	id := map[string]any{
		"owner": l.ID.Owner, "dseq": strconv.FormatUint(l.ID.DSeq, 10), "gseq": l.ID.GSeq, "oseq": l.ID.OSeq, "provider": l.ID.Provider,
	}
	out := map[string]any{
		"state":      l.State,
		"price":      map[string]any{"denom": "uakt", "amount": "12.345000000000000000"},
		"created_at": strconv.FormatInt(l.CreatedAt, 10),
		"closed_on":  strconv.FormatInt(l.ClosedOn, 10),
	}
	if version == "v1beta5" {
		id["bseq"] = 0
		out["id"] = id
		out["reclamation"] = nil
		if r := l.Reclamation; r != nil {
			deadline := "0"
			if !r.Deadline.IsZero() {
				deadline = strconv.FormatInt(r.Deadline.Unix(), 10)
			}
			out["reclamation"] = map[string]any{"window": fmt.Sprintf("%ds", int64(r.Window.Seconds())),
				"started_at": strconv.FormatInt(r.StartedAt, 10), "deadline": deadline, "reason": "lease_closed_reason_unspecified"}
		}
	} else {
		out["lease_id"] = id
	}
	return out
}
