package config

import "time"

// limits is the range a duration setting accepts, both ends included.
// Below min a value is almost always a unit slip ("1ms" for "1m") that
// would hammer a provider or flap the policy; above max it is a typo too,
// and keeping it bounded keeps the arithmetic done with it (jitter, 3×
// interval for staleness, doubled hold-downs) far from int64 overflow.
type limits struct{ min, max Duration }

// String is the range as messages and config.example.yaml write it.
func (l limits) String() string { return l.min.String() + " to " + l.max.String() }

const (
	day  = Duration(24 * time.Hour)
	hour = Duration(time.Hour)
	sec  = Duration(time.Second)
)

// Why each bound is what it is:
var (
	// Probing more often than once a second tells nothing new and is load
	// on the provider (billed tokens for chat probes); beyond a day the
	// dashboard is never current.
	intervalLimits = limits{sec, day}
	// The monitor sizes each provider's history for the window at this
	// interval, assuming nothing faster than 100ms (10 probes a second at
	// a provider already in trouble is plenty); slower than an hour is no
	// longer "probe harder while it fails".
	suspectLimits = limits{Duration(100 * time.Millisecond), hour}
	// A TLS handshake to a distant region alone can take 100ms: a shorter
	// deadline marks every healthy remote provider down. No probe needs
	// an hour.
	timeoutLimits = limits{Duration(100 * time.Millisecond), hour}
	// Error rate and p95 need several samples: 10s is one probe at the
	// default interval and ten while suspect. The monitor keeps per-second
	// traffic for at most an hour, so a longer window would not be one.
	windowLimits = limits{Duration(10 * time.Second), hour}
	// Status pages change at human speed and are served from caches that
	// rate-limit eager readers.
	statusLimits = limits{Duration(10 * time.Second), day}
	// A hold-down, a drain or a Retry-After shorter than a second is none:
	// the next decision would undo it. The monitor doubles hold-downs and
	// multiplies their cap, so the cap stays at most a day.
	policyLimits = limits{sec, day}
	// A Retry-After is the provider's word, capped so a wrong one cannot
	// keep a provider out for long; an operator can clear it earlier.
	retryAfterLimits = limits{sec, hour}
	// A non-streamed LLM answer takes seconds before its headers; waiting
	// more than an hour for them is a hung upstream.
	upstreamLimits = limits{sec, hour}
	// Under a second is no grace for a request in flight; an orchestrator
	// kills a process that takes more than a few minutes to stop anyway.
	shutdownLimits = limits{sec, hour}
	// A history shorter than an hour loses last night's incident by
	// morning; past a year the 100000-event bound decides anyway.
	retentionLimits = limits{hour, 365 * 24 * hour}
)

// durationLimits gives each bounded duration field its range, by its path
// with the provider index left out. degraded_latency has none: it is only
// compared, and any positive threshold is a legitimate choice.
var durationLimits = map[string]limits{
	"interval":                 intervalLimits,
	"suspect_interval":         suspectLimits,
	"timeout":                  timeoutLimits,
	"window":                   windowLimits,
	"status_interval":          statusLimits,
	"shutdown_timeout":         shutdownLimits,
	"event_retention":          retentionLimits,
	"providers.interval":       intervalLimits,
	"providers.timeout":        timeoutLimits,
	"policy.holddown":          policyLimits,
	"policy.holddown_max":      policyLimits,
	"policy.drain_for":         policyLimits,
	"policy.retry_after_max":   retryAfterLimits,
	"gateway.upstream_timeout": upstreamLimits,
	"gateway.body_timeout":     upstreamLimits,
}
