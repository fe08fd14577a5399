package cluster

import (
	"net/http"
	"net/url"
	"sync"
	"testing"

	"k8s.io/client-go/rest"
)

func TestRequestKey(t *testing.T) {
	for _, tc := range []struct{ method, url, want string }{
		{"GET", "/api/v1/namespaces/ns/pods", "LIST pods"},
		{"GET", "/api/v1/namespaces/ns/pods?labelSelector=a%3Db&limit=500", "LIST pods"},
		{"GET", "/api/v1/pods", "LIST pods"},
		{"GET", "/api/v1/namespaces/ns/pods?watch=true&resourceVersion=5", "WATCH pods"},
		{"GET", "/api/v1/pods?fieldSelector=metadata.name%3Dp&watch=1", "WATCH pods"},
		{"GET", "/api/v1/watch/namespaces/ns/pods", "WATCH pods"},
		{"GET", "/api/v1/namespaces/ns/pods/p", "GET pods"},
		{"GET", "/api/v1/namespaces/ns/pods/p/log?container=c", "GET pods/log"},
		{"POST", "/api/v1/namespaces/ns/pods/p/eviction", "CREATE pods/eviction"},
		{"POST", "/api/v1/namespaces/ns/pods", "CREATE pods"},
		{"PUT", "/api/v1/namespaces/ns/pods/p/status", "UPDATE pods/status"},
		{"GET", "/api/v1/namespaces", "LIST namespaces"},
		{"GET", "/api/v1/namespaces/lease", "GET namespaces"},
		{"DELETE", "/api/v1/namespaces/lease", "DELETE namespaces"},
		{"PUT", "/api/v1/namespaces/lease/finalize", "UPDATE namespaces/finalize"},
		{"GET", "/api/v1/namespaces/lease/status", "GET namespaces/status"},
		{"GET", "/api/v1/nodes", "LIST nodes"},
		{"PATCH", "/api/v1/nodes/n1", "PATCH nodes"},
		{"DELETE", "/apis/apps/v1/namespaces/ns/replicasets/rs-1", "DELETE replicasets"},
		{"DELETE", "/apis/apps/v1/namespaces/ns/replicasets?labelSelector=x", "DELETECOLLECTION replicasets"},
		{"GET", "/apis/apps/v1/namespaces/ns/deployments/web/scale", "GET deployments/scale"},
		{"GET", "/apis/akash.network/v2beta2/namespaces/lease/manifests", "LIST manifests"},
		{"GET", "/apis/akash.network/v2beta2/manifests", "LIST manifests"},
		{"GET", "/apis/akash.network/v2beta2/namespaces/lease/manifests/m", "GET manifests"},
		{"GET", "/version", "GET /version"},
		{"GET", "/api", "GET /api"},
		{"GET", "/api/v1", "GET /api/v1"},
		{"GET", "/apis/akash.network/v2beta2", "GET /apis/akash.network/v2beta2"},
	} {
		u, err := url.Parse(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := RequestKey(tc.method, u); got != tc.want {
			t.Errorf("RequestKey(%s %s) = %q, want %q", tc.method, tc.url, got, tc.want)
		}
	}
}

type okTransport struct{}

func (okTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody}, nil
}

// The counter must see every request of every client built from the config,
// concurrently, and keep a transport wrapper the config already had.
func TestRequestCounterInstrument(t *testing.T) {
	innerCalls := 0
	var mu sync.Mutex
	cfg := &rest.Config{WrapTransport: func(rt http.RoundTripper) http.RoundTripper {
		mu.Lock()
		innerCalls++
		mu.Unlock()
		return rt
	}}
	var counter RequestCounter
	counter.Instrument(cfg)
	rt := cfg.WrapTransport(okTransport{})

	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", "https://127.0.0.1/api/v1/namespaces/ns/pods", nil)
			if _, err := rt.RoundTrip(req); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := counter.Count("LIST pods"); got != 50 {
		t.Errorf("LIST pods = %d, want 50; counts %s", got, &counter)
	}
	if counter.Total() != 50 || innerCalls != 1 {
		t.Errorf("total %d, inner wrapper applied %d times; want 50 and 1", counter.Total(), innerCalls)
	}
	counter.Reset()
	if counter.Total() != 0 || len(counter.Counts()) != 0 {
		t.Errorf("after Reset: %s", &counter)
	}
}

func TestNamePrefix(t *testing.T) {
	for in, want := range map[string]string{
		"TestLeases/list_all": "testleases-list-all",
		"crd":                 "crd",
		"--":                  "e2e",
		"Test_A_very_long_name_that_goes_on_and_on_and_on": "test-a-very-long-name-that-goes-on-and-o",
	} {
		if got := namePrefix(in); got != want {
			t.Errorf("namePrefix(%q) = %q, want %q", in, got, want)
		}
	}
}
