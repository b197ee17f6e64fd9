package monitor

import (
	"time"

	"switchboard/config"
)

// human writes a duration in an event's cause as a person would, never in
// Go's nanosecond form or with zero units: "230ms", "2.49s", "4m10s",
// "15m", "1h30m". Readers that parse causes (notify) use
// time.ParseDuration, which reads all of these.
func human(d time.Duration) string {
	switch {
	case d < time.Second:
		d = d.Round(time.Millisecond)
	case d < time.Minute:
		d = d.Round(10 * time.Millisecond)
	default:
		d = d.Round(time.Second)
	}
	return config.Duration(d).String()
}
