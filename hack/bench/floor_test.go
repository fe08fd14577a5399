package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// TestFloorAsksWhatThePluginAsked: the floor replays each listing with the
// encoding the plugin accepted, discards a gzip body as sent, and follows a
// paged listing's continue token out of its compressed pages.
func TestFloorAsksWhatThePluginAsked(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]string{} // path?continue → Accept-Encoding
	page := func(cont string) []byte {
		b, _ := json.Marshal(map[string]any{"metadata": map[string]string{"continue": cont}, "items": []any{}})
		return b
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Path+"?"+r.URL.Query().Get("continue")] = r.Header.Get("Accept-Encoding")
		mu.Unlock()
		body := page("")
		if r.URL.Query().Get("limit") != "" && r.URL.Query().Get("continue") == "" {
			body = page("next")
		}
		if r.Header.Get("Accept-Encoding") == "gzip" {
			var z bytes.Buffer
			zw := gzip.NewWriter(&z)
			_, _ = zw.Write(body)
			_ = zw.Close()
			w.Header().Set("Content-Encoding", "gzip")
			body = z.Bytes()
		}
		_, _ = w.Write(body)
	}))
	defer srv.Close()

	lists := []Listing{
		{URI: "/apis/apps/v1/deployments", Encoding: "gzip"},
		{URI: "/api/v1/pods?limit=2", Encoding: "gzip"},
		{URI: "/api/v1/namespaces"},
	}
	if _, err := fetchFloor(t.Context(), srv.URL, lists); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"/apis/apps/v1/deployments?": "gzip",
		"/api/v1/pods?":              "gzip",
		"/api/v1/pods?next":          "gzip",
		"/api/v1/namespaces?":        "",
	}
	for k, v := range want {
		if got, ok := seen[k]; !ok || got != v {
			t.Errorf("%s: Accept-Encoding %q (sent: %v), want %q", k, got, ok, v)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("requests %v, want %v", seen, want)
	}
}
