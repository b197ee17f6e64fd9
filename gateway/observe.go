package gateway

import "switchboard/probes"

// Observer is told what the gateway did, for metrics. Its methods run on
// the request's own goroutine, so they must be quick, must not block and
// should not allocate; a nil Options.Observer costs nothing.
type Observer interface {
	// Attempt is one upstream attempt's outcome, the Result the monitor
	// is sent as passive health: r.Provider is the backend, r.Class what
	// the attempt came to, and r.TTFT, for a streamed answer, the time
	// from the attempt's start to its first event (0 when none came or
	// the answer was not streamed). An attempt the client abandoned
	// before it had an outcome is not reported.
	Attempt(r probes.Result)
	// Request is one client request's end: backend is the last backend
	// tried ("" when none was), attempts how many were made, and outcome
	// one of the Outcome constants.
	Request(backend string, attempts int, outcome string)
}

// How a client request ended, as told to an Observer.
const (
	// OutcomeOK: the client got an answer that is not an error.
	OutcomeOK = "ok"
	// OutcomeClientError: a backend refused the request itself (a 4xx
	// other than 401, 403 and 429, passed on unchanged): the request's
	// fault, not a provider's or the gateway's.
	OutcomeClientError = "client_error"
	// OutcomeError: no backend answered (every attempt failed, the retry
	// budget ran out, or nothing was routable) and the gateway answered
	// with its own error.
	OutcomeError = "error"
	// OutcomeBroken: the answer broke after its first byte reached the
	// client (a stream cut short), so the client got part of it.
	OutcomeBroken = "broken"
	// OutcomeCanceled: the client went away before its answer was done.
	OutcomeCanceled = "canceled"
	// OutcomeOverloaded: refused at once, max_concurrent_requests being
	// in flight already; no backend was tried.
	OutcomeOverloaded = "overloaded"
)

// Outcomes lists every outcome an Observer may be told, in a fixed order.
func Outcomes() []string {
	return []string{OutcomeOK, OutcomeClientError, OutcomeError, OutcomeBroken, OutcomeCanceled, OutcomeOverloaded}
}

// observeRequest tells the observer, if any, how a request ended.
func (g *Gateway) observeRequest(backend string, attempts int, outcome string) {
	if g.obs != nil {
		g.obs.Request(backend, attempts, outcome)
	}
}
