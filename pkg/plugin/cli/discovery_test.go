package cli

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
)

// discoveryServer answers legacy (unaggregated) discovery: the core group
// with pods (short name po) and akash.network/v2beta2 with manifests
// (short name mani); with metricsDown, also metrics.k8s.io, whose resource
// list fails as an aggregated API that is down does. It counts the
// requests.
func discoveryServer(t *testing.T, metricsDown bool) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	reply := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	group := func(name, version string) metav1.APIGroup {
		gv := metav1.GroupVersionForDiscovery{GroupVersion: name + "/" + version, Version: version}
		return metav1.APIGroup{Name: name, Versions: []metav1.GroupVersionForDiscovery{gv}, PreferredVersion: gv}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		switch r.URL.Path {
		case "/api":
			reply(w, metav1.APIVersions{TypeMeta: metav1.TypeMeta{Kind: "APIVersions"}, Versions: []string{"v1"}})
		case "/apis":
			groups := []metav1.APIGroup{group("akash.network", "v2beta2")}
			if metricsDown {
				groups = append(groups, group("metrics.k8s.io", "v1beta1"))
			}
			reply(w, metav1.APIGroupList{TypeMeta: metav1.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"}, Groups: groups})
		case "/api/v1":
			reply(w, metav1.APIResourceList{GroupVersion: "v1", APIResources: []metav1.APIResource{
				{Name: "pods", SingularName: "pod", Namespaced: true, Kind: "Pod", Verbs: []string{"list"}, ShortNames: []string{"po"}}}})
		case "/apis/akash.network/v2beta2":
			reply(w, metav1.APIResourceList{GroupVersion: "akash.network/v2beta2", APIResources: []metav1.APIResource{
				{Name: "manifests", SingularName: "manifest", Namespaced: true, Kind: "Manifest", Verbs: []string{"list"}, ShortNames: []string{"mani"}}}})
		default:
			http.Error(w, "service unavailable", http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestRESTMapperOneDiscovery(t *testing.T) {
	for _, metricsDown := range []bool{false, true} {
		srv, requests := discoveryServer(t, metricsDown)
		m, err := RESTMapper(&rest.Config{Host: srv.URL})
		if err != nil {
			t.Fatalf("metricsDown=%v: a group that fails discovery must not fail the others: %v", metricsDown, err)
		}
		for name, want := range map[string]schema.GroupVersionResource{
			"pods": {Version: "v1", Resource: "pods"},
			"po":   {Version: "v1", Resource: "pods"},
			"mani": {Group: "akash.network", Version: "v2beta2", Resource: "manifests"},
		} {
			gvr, err := m.ResourceFor(schema.GroupVersionResource{Resource: name})
			if err != nil || gvr != want {
				t.Errorf("metricsDown=%v: %s: %v %v, want %v", metricsDown, name, gvr, err, want)
			}
		}
		if gvr, err := m.ResourceFor(schema.GroupVersionResource{Group: "akash.network", Resource: "manifests"}); err != nil || gvr.Version != "v2beta2" {
			t.Errorf("metricsDown=%v: manifests.akash.network: %v %v", metricsDown, gvr, err)
		}
		// /api, /apis and the two group versions, once: the mapper and the
		// short-name expander share the discovery. (client-go retries a
		// discovery that failed for some group once, so the down metrics
		// API costs a second round.)
		if got := requests.Load(); !metricsDown && got != 4 {
			t.Errorf("%d discovery requests, want 4", got)
		}
	}
}

func TestRESTMapperUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = RESTMapper(&rest.Config{Host: "https://" + addr})
	if err == nil || !strings.HasPrefix(err.Error(), "cannot reach the Kubernetes API server at https://"+addr+" (connection refused) while reading the resource types") {
		t.Fatalf("%v", err)
	}
}
