package schedule

import (
	"fmt"
	"strings"

	"github.com/robfig/cron/v3"
)

// ValidateCron checks a CronJob schedule with the parser the API server's
// CronJob validation uses, robfig/cron's standard parser (five fields:
// minute hour day-of-month month day-of-week, with *, ?, ranges, steps,
// lists, month and weekday names, and the @hourly/@daily/... and
// @every <duration> descriptors), and its rule that a time zone
// (TZ=/CRON_TZ=) is not part of the expression but the CronJob's timeZone
// field. A schedule the API server would refuse is reported before any
// manifest is printed instead of when it is applied.
func ValidateCron(expr string) error {
	if strings.TrimSpace(expr) == "" {
		return fmt.Errorf("--schedule needs a cron expression, e.g. '*/5 * * * *'")
	}
	if strings.Contains(expr, "TZ") {
		return fmt.Errorf("--schedule %q: a time zone (TZ or CRON_TZ) is not part of the expression (the CronJob runs in the controller-manager's time zone)", expr)
	}
	if _, err := cron.ParseStandard(expr); err != nil {
		if f := badField(expr); f != "" {
			return fmt.Errorf("--schedule %q: %s field: %v", expr, f, err)
		}
		return fmt.Errorf("--schedule %q: %v", expr, err)
	}
	return nil
}

var cronFieldNames = []string{"minute", "hour", "day of month", "month", "day of week"}

// badField names the first of five fields the parser refuses on its own
// (the others replaced by *), since its errors do not say which it was.
func badField(expr string) string {
	fields := strings.Fields(expr)
	if len(fields) != len(cronFieldNames) {
		return ""
	}
	for i, name := range cronFieldNames {
		probe := []string{"*", "*", "*", "*", "*"}
		probe[i] = fields[i]
		if _, err := cron.ParseStandard(strings.Join(probe, " ")); err != nil {
			return name
		}
	}
	return ""
}
