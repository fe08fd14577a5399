package cluster

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"k8s.io/client-go/rest"
)

// CountingConfig returns a copy of the admin client configuration whose requests
// are counted, and the counter. Tests use it to pin down how many API calls a
// command makes, e.g. that listing leases costs one LIST of pods however many
// leases there are.
func (c *Cluster) CountingConfig() (*rest.Config, *RequestCounter) {
	cfg := c.RESTConfig()
	counter := &RequestCounter{}
	counter.Instrument(cfg)
	return cfg, counter
}

// RequestCounter counts API requests by verb and resource, with keys such as
// "LIST pods", "GET nodes", "WATCH pods", "CREATE pods/eviction",
// "DELETE replicasets" and "DELETECOLLECTION replicasets" (the resource without
// its API group), or, for requests outside the resource API, the method and
// path ("GET /version", "GET /apis/akash.network/v2beta2"). Safe for concurrent use.
type RequestCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

// Instrument makes every client built from cfg report its requests here.
func (rc *RequestCounter) Instrument(cfg *rest.Config) {
	inner := cfg.WrapTransport
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		if inner != nil {
			rt = inner(rt)
		}
		return &countingTransport{next: rt, counter: rc}
	}
}

// Count returns how many requests had key (e.g. "LIST pods").
func (rc *RequestCounter) Count(key string) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.counts[key]
}

// Total returns how many requests there were.
func (rc *RequestCounter) Total() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	n := 0
	for _, v := range rc.counts {
		n += v
	}
	return n
}

// Counts returns a copy of all counts by key.
func (rc *RequestCounter) Counts() map[string]int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := make(map[string]int, len(rc.counts))
	for k, v := range rc.counts {
		out[k] = v
	}
	return out
}

// Reset forgets every count so far.
func (rc *RequestCounter) Reset() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.counts = nil
}

// String lists the counts sorted by key, for failure messages.
func (rc *RequestCounter) String() string {
	counts := rc.Counts()
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", k, counts[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func (rc *RequestCounter) add(key string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.counts == nil {
		rc.counts = map[string]int{}
	}
	rc.counts[key]++
}

type countingTransport struct {
	next    http.RoundTripper
	counter *RequestCounter
}

// RoundTrip counts the request before sending it, so that failed requests and
// client-go's retries count too: each is a call the server had to answer.
func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.counter.add(RequestKey(req.Method, req.URL))
	return t.next.RoundTrip(req)
}

// namespaceSubresources are what may follow /namespaces/<name>/ other than a
// namespaced resource.
var namespaceSubresources = map[string]bool{"status": true, "finalize": true}

// RequestKey names a request the way RequestCounter counts it. It reads the
// Kubernetes API path layout:
//
//	/api/v1[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]
//	/apis/<group>/<version>[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]
//
// A GET names a LIST when it names no object, and a WATCH when it has watch=true
// (or uses the old /watch/ path prefix). A DELETE that names no object is a
// DELETECOLLECTION.
func RequestKey(method string, u *url.URL) string {
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	var rest []string
	switch {
	case len(parts) > 2 && parts[0] == "api":
		rest = parts[2:]
	case len(parts) > 3 && parts[0] == "apis":
		rest = parts[3:]
	default:
		return method + " " + u.Path
	}
	watch := false
	if rest[0] == "watch" {
		watch, rest = true, rest[1:]
	}
	if len(rest) > 2 && rest[0] == "namespaces" && !namespaceSubresources[rest[2]] {
		rest = rest[2:] // a namespaced resource: drop /namespaces/<ns>
	}
	if len(rest) == 0 {
		return method + " " + u.Path
	}
	resource, named := rest[0], len(rest) > 1
	if len(rest) > 2 {
		resource += "/" + strings.Join(rest[2:], "/")
	}
	if q := u.Query().Get("watch"); q == "true" || q == "1" {
		watch = true
	}

	var verb string
	switch method {
	case http.MethodGet, http.MethodHead:
		switch {
		case watch:
			verb = "WATCH"
		case named:
			verb = "GET"
		default:
			verb = "LIST"
		}
	case http.MethodPost:
		verb = "CREATE"
	case http.MethodPut:
		verb = "UPDATE"
	case http.MethodPatch:
		verb = "PATCH"
	case http.MethodDelete:
		verb = "DELETE"
		if !named {
			verb = "DELETECOLLECTION"
		}
	default:
		verb = method
	}
	return verb + " " + resource
}
