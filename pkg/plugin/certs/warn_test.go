package certs

import (
	"testing"
	"time"
)

func TestParseWarn(t *testing.T) {
	for in, want := range map[string]time.Duration{"": 0, "30d": 30 * 24 * time.Hour, "720h": 720 * time.Hour, "1d": 24 * time.Hour} {
		if got, err := ParseWarn(in); err != nil || got != want {
			t.Errorf("%q -> %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"30", "d", "-1d", "30days", "-5h"} {
		if _, err := ParseWarn(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}
