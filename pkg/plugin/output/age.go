package output

import (
	"time"

	"k8s.io/apimachinery/pkg/util/duration"
)

// humanDuration is kubectl's short duration (duration.HumanDuration).
func humanDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	return duration.HumanDuration(d)
}
