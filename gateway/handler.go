package gateway

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"switchboard/config"
	"switchboard/monitor"
)

// request is one client request as every attempt needs it: read once,
// model located once.
type request struct {
	r        *http.Request
	rest     string      // escaped path after /v1, e.g. "/chat/completions"
	body     *sharedBody // nil when the request has no body
	model    string      // the client's model, "" when none
	modelAt  [2]int      // span of the model's JSON string in the body
	hasModel bool
	// backends is the set the request started with: a reload meanwhile
	// does not change where its retries may go.
	backends *backendSet
	// triedBuf holds the backends tried, for the default max_attempts
	// without an allocation: the rescuer's waiter keeps them, so they
	// cannot live on forward's stack.
	triedBuf [config.DefaultMaxAttempts]*backend
}

func (g *Gateway) serve(w http.ResponseWriter, r *http.Request) {
	if g.token == nil && !localClient(r) {
		writeError(w, http.StatusForbidden, "invalid_request_error", "non_local_client",
			"switchboard: refused a request from a web page or under a non-local host name; "+
				"without gateway.token only local programs may use the gateway")
		return
	}
	if !g.authorized(r) {
		w.Header().Set("WWW-Authenticate", "Bearer")
		writeError(w, http.StatusUnauthorized, "invalid_request_error", "invalid_api_key",
			"switchboard: missing or wrong gateway token; send Authorization: Bearer <gateway token>")
		return
	}
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/v1")
	if ok && hasDotSegment(rest) {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "invalid_path",
			"switchboard: paths with . or .. segments are refused")
		return
	}
	if !ok || !strings.HasPrefix(rest, "/") {
		writeError(w, http.StatusNotFound, "invalid_request_error", "unknown_url",
			"switchboard: unknown path; the gateway serves /v1/... (set base URL to http://HOST:PORT/v1)")
		return
	}
	select {
	case g.slots <- struct{}{}:
		defer func() { <-g.slots }()
	default:
		overloaded(w)
		g.observeRequest("", 0, OutcomeOverloaded)
		return
	}
	req, ok := g.readRequest(w, r, rest)
	if !ok {
		return
	}
	if req.body != nil {
		defer req.body.release()
	}
	g.budget.request()
	g.forward(w, req)
}

// authorized checks the gateway token in constant time; no token configured
// (loopback only) lets every local client in.
func (g *Gateway) authorized(r *http.Request) bool {
	if g.token == nil {
		return true
	}
	const prefix = "Bearer "
	auth := r.Header.Get("Authorization")
	if len(auth) < len(prefix) || !strings.EqualFold(auth[:len(prefix)], prefix) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(auth[len(prefix):])), g.token) == 1
}

// overloaded refuses a request beyond max_concurrent_requests at once,
// without reading its body: reading it is what the limit protects. The
// connection is closed after the answer and its read deadline is now, so
// net/http does not wait for the unread body either (it would drain up to
// 256 KiB of it, at the client's pace, before the answer or after it).
func overloaded(w http.ResponseWriter) {
	_ = http.NewResponseController(w).SetReadDeadline(time.Now())
	h := w.Header()
	h.Set("Connection", "close")
	h.Set("Retry-After", "1")
	writeError(w, http.StatusServiceUnavailable, "server_error", "overloaded",
		"switchboard: too many requests in flight (gateway.max_concurrent_requests); retry shortly")
}

// readRequest reads the body whole (attempts resend it) within the limit
// and body_timeout; it answers the client itself and returns false when
// it cannot.
func (g *Gateway) readRequest(w http.ResponseWriter, r *http.Request, rest string) (*request, bool) {
	req := &request{r: r, rest: rest, backends: g.backends.Load()}
	if r.Body == nil || r.Body == http.NoBody {
		return req, true
	}
	buf := getBuf()
	err := g.readBody(w, r, buf)
	if err != nil {
		putBuf(buf)
		switch {
		case errors.Is(err, errTooLarge):
			writeError(w, http.StatusRequestEntityTooLarge, "invalid_request_error", "request_too_large",
				"switchboard: request body exceeds gateway.max_request_body")
		case errors.Is(err, os.ErrDeadlineExceeded):
			writeError(w, http.StatusRequestTimeout, "invalid_request_error", "request_timeout",
				"switchboard: the request body did not arrive within gateway.body_timeout")
		default:
			writeError(w, http.StatusBadRequest, "invalid_request_error", "bad_request_body",
				"switchboard: could not read the request body")
		}
		return nil, false
	}
	if len(*buf) == 0 {
		putBuf(buf)
		return req, true
	}
	req.body = newSharedBody(buf)
	if m, s, e, ok, err := modelSpan(*buf); err == nil && ok {
		req.model, req.modelAt, req.hasModel = m, [2]int{s, e}, true
	}
	if dotName(req.model) {
		req.body.release()
		writeError(w, http.StatusBadRequest, "invalid_request_error", "model_not_found",
			"switchboard: "+strconv.Quote(req.model)+" is not a model name")
		return nil, false
	}
	return req, true
}

// readBody reads r's body into buf within max_request_body and
// body_timeout, so a client that trickles its body (or declares more than
// it sends) holds its request slot for a bounded time only. The deadline
// is the connection's and must not outlive the body: left in place, it
// would end the connection's reads during a long answer and so cancel it.
// (HTTP/1 clears it itself when the body ends; it is cleared here for
// every protocol.) After a failure the connection is closed, and the
// deadline still bounds net/http's drain of the rest.
func (g *Gateway) readBody(w http.ResponseWriter, r *http.Request, buf *[]byte) error {
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(g.cfg.BodyTimeout.D()))
	err := readLimited(r.Body, buf, int64(g.cfg.MaxRequestBody), r.ContentLength)
	if err == nil {
		_ = rc.SetReadDeadline(time.Time{})
	}
	return err
}

// forward tries backends in the monitor's route order until one answers
// or max_attempts, the route or the retry budget runs out.
func (g *Gateway) forward(w http.ResponseWriter, req *request) {
	tried := req.triedBuf[:0] // append grows it when max_attempts is larger
	var fails []failure       // allocated only when an attempt fails
	free, budgetOut := false, false
	for len(tried) < g.cfg.MaxAttempts {
		b := g.pick(req, tried)
		if b == nil {
			break
		}
		// A rescued attempt was cancelled by the gateway itself; moving it
		// is not a retry of a failure, so it does not spend the budget.
		if len(tried) > 0 && !free && !g.budget.retry() {
			budgetOut = true
			break
		}
		tried = append(tried, b)
		out := g.attempt(w, req, tried)
		if out.gone {
			g.observeRequest(b.name, len(tried), OutcomeCanceled)
			return
		}
		if out.committed {
			g.record(b.name, len(tried), committedOutcome(out.ok), out)
			return
		}
		fails = append(fails, out.fail)
		free = out.fail.rescued
	}
	last := ""
	if len(tried) > 0 {
		last = tried[len(tried)-1].name
	}
	g.record(last, len(tried), OutcomeError, outcome{})
	writeFailure(w, req.rest, fails, last, budgetOut)
}

// pick returns the first backend of the current route that this request
// has not tried and that serves its path. The snapshot is re-read for each
// attempt so a failover decided meanwhile is followed at once.
func (g *Gateway) pick(req *request, tried []*backend) *backend {
	snap := g.src.Snapshot()
	if snap == nil {
		return nil
	}
	for _, name := range snap.Route {
		if b := (*req.backends)[name]; candidate(b, req.rest, tried) {
			return b
		}
	}
	return nil
}

// candidate reports whether b is a backend this request may try next: one
// the gateway knows, not tried yet, serving the path. The rescuer asks the
// same question, so a rescue moves a request only where pick would go.
func candidate(b *backend, rest string, tried []*backend) bool {
	return b != nil && !slices.Contains(tried, b) && b.serves(rest)
}

// record counts a finished request for the monitor's traffic figures, with
// what its answer was like (out, zero for a request that got none), and
// tells the observer how it ended (result, one of the Outcome constants).
func (g *Gateway) record(backend string, attempts int, result string, out outcome) {
	g.src.RecordRequest(monitor.RequestRecord{At: g.now(), Backend: backend, Attempts: attempts,
		OK: result == OutcomeOK, TTFT: out.ttft, Duration: out.took, Tokens: out.tokens})
	g.observeRequest(backend, attempts, result)
}

// committedOutcome is the outcome of a request whose answer reached the
// client whole: ok, or an error status the backend gave.
func committedOutcome(ok bool) string {
	if ok {
		return OutcomeOK
	}
	return OutcomeClientError
}
