package gateway

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"switchboard/config"
	"switchboard/probes"
)

// outcome is what one attempt did: answered the client (committed), lost
// the client (gone), or failed before any byte reached the client (fail).
type outcome struct {
	committed bool
	ok        bool // the client got a non-error answer
	gone      bool
	fail      failure
	// What a committed answer was like, for the dashboard: a stream's time
	// to first token, the time from sending the attempt to the answer's
	// end, and the tokens the answer said it generated (0: not reported).
	ttft, took time.Duration
	tokens     int64
}

// call is one attempt in progress: its context, its deadline timer and its
// registration for in-flight rescue.
type call struct {
	g        *Gateway
	req      *request
	b        *backend
	ctx      context.Context
	cancel   context.CancelCauseFunc
	timer    *time.Timer
	waiter   waiter
	watching bool
	t0       time.Time // monotonic start, for latencies
	res      probes.Result
}

// attempt sends req once to the last of tried, the backends this request
// has tried so far. Before the first byte reaches the client it returns a
// failure to retry; after, it answers the client itself.
func (g *Gateway) attempt(w http.ResponseWriter, req *request, tried []*backend) outcome {
	n := len(tried)
	b := tried[n-1]
	c := &call{g: g, req: req, b: b}
	c.ctx, c.cancel = context.WithCancelCause(req.r.Context())
	defer c.cancel(nil)
	c.timer = time.AfterFunc(g.cfg.UpstreamTimeout.D(), func() { c.cancel(errAttemptTimeout) })
	defer c.timer.Stop()
	c.waiter = waiter{cancel: c.cancel, rest: req.rest, tried: tried, last: n >= g.cfg.MaxAttempts}
	g.rescue.add(b.name, &c.waiter)
	c.watching = true
	defer c.unwatch()
	g.rescue.recheck(g.src.Snapshot(), b.name, &c.waiter)

	up := b.newRequest(c.ctx, req)
	c.res = probes.Result{Provider: b.name, Source: probes.SourcePassive, Start: g.now()}
	c.t0 = time.Now()
	stalled := time.AfterFunc(g.nudger.stallAfter(b.name), func() { g.nudger.nudge(b.name) })
	resp, err := g.upstream.RoundTrip(up)
	stalled.Stop()
	c.res.Phases.FirstByte = time.Since(c.t0)
	c.res.Latency = c.res.Phases.FirstByte
	if err != nil {
		return c.failed(err)
	}
	c.res.Status = resp.StatusCode
	if retryableStatus(resp.StatusCode) {
		return c.badStatus(resp)
	}
	if isEventStream(resp.Header) {
		c.unwatch() // the stream is about to commit: no rescue from here on
		if errors.Is(context.Cause(c.ctx), errRescued) {
			resp.Body.Close() // rescued just as headers came: nothing was sent yet
			return c.failed(errRescued)
		}
		return c.stream(w, resp, n)
	}
	return c.buffered(w, resp, n)
}

func (c *call) unwatch() {
	if c.watching {
		c.g.rescue.remove(c.b.name, &c.waiter)
		c.watching = false
	}
}

// retryableStatus: the upstream answered but did not do the work, so
// another backend may. 401/403 are retried too: the client's credentials
// are never forwarded, so they mean this provider's key is wrong.
func retryableStatus(status int) bool {
	return status >= 500 || status == http.StatusTooManyRequests ||
		status == http.StatusUnauthorized || status == http.StatusForbidden
}

// failed turns a transport or body-read error into a retryable failure,
// or into gone when the client itself went away.
func (c *call) failed(err error) outcome {
	if c.req.r.Context().Err() != nil {
		return outcome{gone: true}
	}
	f := failure{backend: c.b.name}
	switch cause := context.Cause(c.ctx); {
	case errors.Is(cause, errRescued):
		f.class, f.msg, f.rescued = probes.ClassTimeout, errRescued.Error(), true
	case errors.Is(cause, errAttemptTimeout):
		f.class, f.msg = probes.ClassTimeout, "no response within "+c.g.cfg.UpstreamTimeout.String()
	default:
		f.class, f.msg = probes.ClassifyError(c.ctx, err)
	}
	return c.fail(f)
}

// badStatus records a retryable status with the provider's own message.
func (c *call) badStatus(resp *http.Response) outcome {
	buf := getBuf()
	defer putBuf(buf)
	_ = readLimited(io.LimitReader(resp.Body, 64<<10), buf, 64<<10, -1)
	resp.Body.Close()
	f := failure{backend: c.b.name, status: resp.StatusCode, class: probes.ClassifyStatus(resp.StatusCode)}
	f.msg = upstreamMessage(*buf, resp.StatusCode)
	if resp.StatusCode == http.StatusTooManyRequests {
		if requestTooLarge(f.msg) {
			// The request alone exceeds this provider's per-minute limit:
			// the request's problem, not the provider's load, so no wait
			// and no mark against it. A backend with a higher limit may
			// still serve it.
			f.class = probes.ClassClientError
		} else {
			f.retryAfter = probes.ParseRetryAfter(resp.Header.Get("Retry-After"), c.g.now())
		}
	}
	c.res.RetryAfter = f.retryAfter
	return c.fail(f)
}

// fail records an attempt that did not reach the client, as passive health
// and for the client's error. Every failure's text passes here, so this is
// where it is redacted, and then made one short line as the probes' errors
// are: redacting after the cut would miss a secret cut in two.
func (c *call) fail(f failure) outcome {
	f.msg = c.b.errText(f.msg)
	c.res.Class, c.res.Err = f.class, f.msg
	c.report()
	return outcome{fail: f}
}

// buffered reads a non-streaming answer whole before the client sees a
// byte, so an upstream that breaks mid-body is still retried. An answer
// larger than max_response_buffer is a healthy answer too: it is passed on
// instead (see passOn).
func (c *call) buffered(w http.ResponseWriter, resp *http.Response, n int) outcome {
	buf := getBuf()
	defer putBuf(buf)
	err := readLimited(resp.Body, buf, int64(c.g.cfg.MaxResponseBuffer), resp.ContentLength)
	if errors.Is(err, errTooLarge) {
		return c.passOn(w, resp, n, *buf)
	}
	resp.Body.Close()
	if err != nil {
		return c.failed(err)
	}
	body := *buf
	if resp.StatusCode == http.StatusBadRequest && c.b.kind == config.KindGemini {
		// Gemini answers a wrong key with 400, not 401. The key is the
		// provider's (the client's never leaves), so another backend may
		// serve: retried as a 401 would be.
		if pe := probes.ParseProviderError(body); pe.KeyInvalid() {
			return c.fail(failure{backend: c.b.name, status: resp.StatusCode, class: probes.ClassAuth,
				msg: cmp.Or(pe.Msg, http.StatusText(resp.StatusCode))})
		}
	}
	if ok2xx(resp.StatusCode) && jsonRoute(c.req.rest) {
		if why := notAnAnswer(resp, body); why != "" {
			return c.fail(failure{backend: c.b.name, status: resp.StatusCode, class: probes.ClassBadResponse, msg: why})
		}
	}
	c.unwatch()
	if !ok2xx(resp.StatusCode) {
		body = c.b.redact(body) // an error may echo the key; an answer is passed on as it is
	}
	c.answer(w, resp, n, body)
	took := time.Since(c.t0)
	var tokens int64
	if ok2xx(resp.StatusCode) {
		var u probes.Usage
		u.See(body)
		tokens, _ = u.Generated()
	}
	c.res.Class = probes.ClassifyStatus(resp.StatusCode)
	c.report()
	return outcome{committed: true, ok: resp.StatusCode < 400, took: took, tokens: tokens}
}

// writePiece is how much of a held answer must be taken by the client
// within body_timeout: a slow reader is not cut, one that stalls is.
const writePiece = 64 << 10

// answer writes a held answer. A client that stops reading would hold the
// handler (its slot, the buffer) in a write for as long as its connection
// lives; each piece gets body_timeout. The deadline is the connection's,
// so it is cleared for the connection's next request.
func (c *call) answer(w http.ResponseWriter, resp *http.Response, n int, body []byte) {
	rc := http.NewResponseController(w)
	allow := c.g.cfg.BodyTimeout.D()
	_ = rc.SetWriteDeadline(time.Now().Add(allow))
	c.writeHead(w, resp, n, int64(len(body)))
	for len(body) > 0 {
		k := min(len(body), writePiece)
		if _, err := w.Write(body[:k]); err != nil {
			break // the client left or stalled; its connection is closed
		}
		if body = body[k:]; len(body) > 0 {
			_ = rc.SetWriteDeadline(time.Now().Add(allow))
		}
	}
	// The client gets its answer now, not when the handler returns after
	// the bookkeeping (each report wakes the monitor's goroutine).
	_ = rc.Flush()
	_ = rc.SetWriteDeadline(time.Time{})
}

// writeHead sends the upstream's headers plus the gateway's own, and
// length as the Content-Length unless it is negative.
func (c *call) writeHead(w http.ResponseWriter, resp *http.Response, n int, length int64) {
	h := w.Header()
	copyResponseHeader(h, resp.Header)
	c.b.redactHeader(h)
	if length >= 0 {
		h.Set("Content-Length", strconv.FormatInt(length, 10))
	}
	h.Set(HeaderBackend, c.b.name)
	h.Set(HeaderAttempts, itoa(n))
	w.WriteHeader(resp.StatusCode)
}

// report sends this attempt's outcome to the monitor as passive health,
// and to the observer.
func (c *call) report() {
	c.g.src.Report(c.res)
	if c.g.obs != nil {
		c.g.obs.Attempt(c.res)
	}
}

// notAnAnswer says why a 2xx body on a JSON route is not the answer, or "".
func notAnAnswer(resp *http.Response, body []byte) string {
	if !looksJSON(body) {
		// An HTML error page or a proxy's splash with 200.
		return "answered " + resp.Header.Get("Content-Type") + " instead of JSON"
	}
	if closeDelimited(resp) && !json.Valid(body) {
		return "answer cut short: the connection closed before the JSON ended"
	}
	return ""
}

// closeDelimited reports whether resp's body ends only where its
// connection closes (HTTP/1 with neither a length nor chunks), so that a
// connection that broke mid-answer reads as a clean end and only the JSON
// itself can tell. A body the transport unzipped also has no length, but a
// cut gzip stream fails on read, as an HTTP/2 body cut short does.
func closeDelimited(resp *http.Response) bool {
	return resp.ProtoMajor == 1 && resp.ContentLength < 0 && len(resp.TransferEncoding) == 0 && !resp.Uncompressed
}

func ok2xx(status int) bool { return status >= 200 && status < 300 }

// jsonRoute reports whether the path's answers are JSON by contract.
func jsonRoute(rest string) bool {
	switch rest {
	case routeChat, routeCompletions, routeEmbeddings, routeModels:
		return true
	}
	return false
}

// looksJSON checks the first non-space byte: a JSON answer is an object or
// an array; an HTML page starts with '<'.
func looksJSON(body []byte) bool {
	i := skipSpace(body, 0)
	return i < len(body) && (body[i] == '{' || body[i] == '[')
}

func isEventStream(h http.Header) bool {
	return equalFoldPrefix(h.Get("Content-Type"), "text/event-stream")
}
