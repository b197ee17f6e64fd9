// Package probes asks one provider once: it builds the request for the
// provider's kind, times it with httptrace and classifies the outcome.
package probes

import "time"

// Class is the outcome class of one probe or one gateway attempt.
type Class string

// Outcome classes: what one request to a provider came to, from which the
// monitor derives health.
const (
	ClassOK          Class = "ok"
	ClassTimeout     Class = "timeout"
	ClassDNS         Class = "dns"
	ClassConnect     Class = "connect" // refused or reset
	ClassTLS         Class = "tls"
	ClassServerError Class = "server_error" // 5xx
	ClassRateLimited Class = "rate_limited" // 429
	ClassAuth        Class = "auth"         // 401/403
	ClassClientError Class = "client_error" // other 4xx
	ClassBadResponse Class = "bad_response" // 2xx whose body is not what the kind returns
)

// Source says who observed a Result.
type Source string

// Sources of results: the monitor's own probe, or real traffic through the gateway.
const (
	SourceProbe   Source = "probe"
	SourcePassive Source = "passive"
)

// Phases is the httptrace breakdown of one request (zero when not reached).
type Phases struct {
	DNS       time.Duration
	Connect   time.Duration
	TLS       time.Duration
	FirstByte time.Duration // from request start to the first response byte
}

// Result is the outcome of asking one provider once. It never holds a secret.
type Result struct {
	Provider   string
	Source     Source
	Start      time.Time
	Latency    time.Duration // total, request start to body read
	Phases     Phases
	TTFT       time.Duration // streaming probes: time to first token
	Class      Class
	Status     int           // HTTP status, 0 when none
	RetryAfter time.Duration // 429 only: parsed Retry-After (seconds or HTTP-date), 0 if absent
	Err        string        // short, redacted error text; "" when ok
	// Tokens is what the probe spent: a chat or stream probe's answer's
	// own usage count, or 1 when a 2xx answer reports none; 0 for a
	// request that generates nothing (a model list, an http check) or
	// that got no 2xx answer, which providers do not bill.
	Tokens int64
}

// OK reports whether the outcome counts as a success.
func (r Result) OK() bool { return r.Class == ClassOK }

// StatusWord is the official word of a provider's status page.
type StatusWord struct {
	Indicator string // none | minor | major | critical | unknown (page-wide)
	Component string // the matched component's status, "" when not matched
	Err       string // short error when the page could not be read
	At        time.Time
}
