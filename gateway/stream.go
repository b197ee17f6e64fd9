package gateway

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"switchboard/config"
	"switchboard/probes"
)

// errNoDone: an OpenAI-style chat or completions stream always ends with
// "data: [DONE]"; a clean close without it means the answer was cut short.
var errNoDone = errors.New("upstream ended the stream without [DONE]")

// writeFailed wraps an error writing to the client: the client left.
type writeFailed struct{ err error }

func (e writeFailed) Error() string { return "writing to client: " + e.err.Error() }

// stream relays an SSE answer event by event with a flush after each read,
// so tokens reach the client as they come. Headers are already committed:
// a failure now ends the client's stream with an error event and an
// aborted connection, never a clean end that would look like a full answer.
func (c *call) stream(w http.ResponseWriter, resp *http.Response, n int) outcome {
	return c.relayOut(w, resp, n, -1, resp.Body, true)
}

// relayOut commits resp to the client (with length as its Content-Length,
// -1 for none) and relays src, the body, as it arrives. sse says the body
// is an event stream, which must end as its route's streams do and may be
// ended with an error event. Nothing is retried from here: a body that
// breaks is the provider's fault and aborts the client's connection.
func (c *call) relayOut(w http.ResponseWriter, resp *http.Response, n int, length int64, src io.Reader, sse bool) outcome {
	defer resp.Body.Close()
	c.writeHead(w, resp, n, length)
	rc := http.NewResponseController(w)
	idle := c.g.cfg.UpstreamTimeout.D()
	// A client that stops reading would hold this handler in a write for as
	// long as it lives; it gets the upstream's idle allowance per write. The
	// deadline is the connection's, so it is cleared for its next request.
	defer func() { _ = rc.SetWriteDeadline(time.Time{}) }()
	_ = rc.SetWriteDeadline(time.Now().Add(idle))
	_ = rc.Flush() // the client sees the commit (and the backend header) at once
	c.timer.Reset(idle)
	r := relay{w: w, rc: rc, b: c.b, t0: c.t0, timer: c.timer, idle: idle,
		redact: !ok2xx(resp.StatusCode), plain: !sse, wantFinish: sse && c.b.mayEndWithoutDone()}
	err := r.run(src)
	if sse {
		c.res.TTFT = r.ttft
		if err == nil && needsDone(c.req.rest) && !r.sawDone && !r.sawFinish {
			err = errNoDone
		}
	}
	var wf writeFailed
	if err == nil || errors.As(err, &wf) || c.req.r.Context().Err() != nil {
		c.res.Class = probes.ClassifyStatus(resp.StatusCode) // the upstream did its part
		c.report()
		out := outcome{committed: err == nil, ok: err == nil && resp.StatusCode < 400, gone: err != nil,
			ttft: r.ttft, took: time.Since(c.t0)}
		if ok2xx(resp.StatusCode) {
			out.tokens, _ = r.usage.Generated()
		}
		return out
	}
	c.res.Class, c.res.Err = c.streamError(err, idle)
	c.report()
	if sse {
		r.errorEvent("switchboard: backend " + c.b.name + " broke the stream: " + c.res.Err)
	}
	c.g.record(c.b.name, n, OutcomeBroken, outcome{})
	// Abort so the body does not end cleanly either: clients that ignore
	// error events, and every client of a body without a length, would
	// otherwise take a truncated answer for a whole one.
	panic(http.ErrAbortHandler)
}

func (c *call) streamError(err error, idle time.Duration) (probes.Class, string) {
	switch {
	case errors.Is(err, errNoDone):
		return probes.ClassBadResponse, err.Error()
	case errors.Is(context.Cause(c.ctx), errAttemptTimeout):
		return probes.ClassTimeout, "stream stalled: nothing for " + config.Duration(idle).String()
	}
	class, msg := probes.ClassifyError(c.ctx, err)
	return class, c.b.errText(msg)
}

// needsDone reports whether the route's streams end with [DONE].
func needsDone(rest string) bool { return rest == routeChat || rest == routeCompletions }
