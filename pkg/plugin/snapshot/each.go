package snapshot

import (
	"context"
	"sync"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// LoadEach runs the spec's reads as Load does (the same LISTs, in
// parallel), but a read that fails costs only itself: the others are kept,
// and each failure is returned, as one clear sentence, under its Read's
// What. It is for a command that reports what it could check and names
// what it could not (doctor: a resource the user may not list fails only
// the checks that need it).
func LoadEach(ctx context.Context, c *cli.Clients, spec Spec) (*Snapshot, map[string]error) {
	s := &Snapshot{}
	errs := map[string]error{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, r := range spec.Reads() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			set, err := r.load(ctx, c, spec, r)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs[r.What] = cli.ExplainList(err, r.GVR, r.What)
				for _, w := range r.Covers {
					errs[w] = errs[r.What]
				}
				return
			}
			set(s)
		}()
	}
	wg.Wait()
	return s, errs
}
