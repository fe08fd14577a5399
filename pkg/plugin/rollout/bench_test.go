package rollout

import (
	"fmt"
	"testing"
	"time"
)

// providerWorld is a provider with n lease namespaces of two services each;
// one lease in ten has a stuck update and one in ten a lost command.
func providerWorld(n int) *world {
	w := &world{}
	for i := 0; i < n; i++ {
		ns := fmt.Sprintf("lease-%05d", i)
		web := w.deployment(ns, "web", [][]string{{"/web"}, {"/web"}}, i%10 != 0)
		if i%10 == 0 {
			w.pendingPod(web+"-r2", ns, "0/40 nodes are available: 40 Insufficient cpu.")
		}
		api := [][]string{{"/api"}, {"/api"}}
		if i%10 == 5 {
			api = [][]string{{"/api"}, nil}
		}
		w.deployment(ns, "api", api, i%10 != 5)
	}
	return w
}

// BenchmarkFindStuck measures the in-memory analysis of force-new over 1,000
// lease namespaces with 2 Deployments each (the API reads are fixed at one
// LIST per resource type, proven by the e2e tests).
func BenchmarkFindStuck(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		w := providerWorld(n)
		b.Run(fmt.Sprintf("leases=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if got := FindStuck(&w.s, StuckOptions{Now: t0.Add(time.Hour)}); len(got) != n/10 {
					b.Fatalf("found %d stuck, want %d", len(got), n/10)
				}
			}
		})
	}
}

// BenchmarkFindLostCommands measures the analysis of manifests heal.
func BenchmarkFindLostCommands(b *testing.B) {
	w := providerWorld(1000)
	b.ReportAllocs()
	for b.Loop() {
		if got := FindLostCommands(&w.s, "lease"); len(got) != 100 {
			b.Fatalf("found %d, want 100", len(got))
		}
	}
}
