package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// The API server is a Go process holding every object of the cluster: at
// 10,000 leases its heap is gigabytes, and one full collection of it costs
// more CPU than a 1,000-lease LIST. A collection starts whenever the heap
// has grown enough, so the garbage of one fetch is collected during a later
// one, and which timed run pays for it (the plugin's or one of the floor's)
// was chance: the same four LISTs ranged from 0.63 to 1.79 s of the server's
// CPU across one run's fetches. The bench has the server collect its garbage
// before each timed run of the plugin and before each fetch of the floor
// (net/http/pprof's heap profile with gc=1 runs a full collection first;
// hack/cluster.sh starts the API server with profiling on), so that each
// measurement starts from a collected heap and pays for nothing before it.

// collectGarbage runs a full garbage collection in the API server behind the
// proxy and waits for it to end. A server without profiling (a cluster the
// bench did not start) answers 404 once, and the bench goes on without.
func (p *countingProxy) collectGarbage(ctx context.Context) error {
	if p == nil || p.noGC {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.upstream+"/debug/pprof/heap?gc=1", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err := p.upstreamClient.Do(req)
	if err != nil {
		return fmt.Errorf("the API server's garbage collection: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	switch resp.StatusCode {
	case http.StatusOK:
		return nil
	case http.StatusNotFound, http.StatusForbidden:
		p.noGC = true
		return nil
	default:
		return fmt.Errorf("the API server's garbage collection: %s", resp.Status)
	}
}
