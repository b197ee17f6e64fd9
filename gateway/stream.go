package gateway

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"switchboard/probes"
)

// errNoDone: an OpenAI-style chat or completions stream always ends with
// "data: [DONE]"; a clean close without it means the answer was cut short.
var errNoDone = errors.New("upstream ended the stream without [DONE]")

// writeFailed wraps an error writing to the client: the client left.
type writeFailed struct{ err error }

func (e writeFailed) Error() string { return "writing to client: " + e.err.Error() }

var (
	dataField = []byte("data:")
	doneValue = []byte("[DONE]")
	lfEnd     = []byte("\n\n")
	crlfEnd   = []byte("\r\n\r\n")
)

// stream relays an SSE answer event by event with a flush after each read,
// so tokens reach the client as they come. Headers are already committed:
// a failure now ends the client's stream with an error event and an
// aborted connection, never a clean end that would look like a full answer.
func (c *call) stream(w http.ResponseWriter, resp *http.Response, n int) outcome {
	defer resp.Body.Close()
	c.writeHead(w, resp, n, -1)
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
		redact: !ok2xx(resp.StatusCode), wantFinish: c.b.mayEndWithoutDone()}
	err := r.run(resp.Body)
	c.res.TTFT = r.ttft
	if err == nil && needsDone(c.req.rest) && !r.sawDone && !r.sawFinish {
		err = errNoDone
	}
	var wf writeFailed
	if err == nil || errors.As(err, &wf) || c.req.r.Context().Err() != nil {
		c.res.Class = probes.ClassifyStatus(resp.StatusCode) // the upstream did its part
		c.report()
		return outcome{committed: err == nil, ok: err == nil && resp.StatusCode < 400, gone: err != nil}
	}
	c.res.Class, c.res.Err = c.streamError(err, idle)
	c.report()
	r.errorEvent("switchboard: backend " + c.b.name + " broke the stream: " + c.res.Err)
	c.g.record(c.b.name, n, false)
	// Abort so the chunked body does not end cleanly either: clients that
	// ignore error events still see a truncated response, not a short one.
	panic(http.ErrAbortHandler)
}

func (c *call) streamError(err error, idle time.Duration) (probes.Class, string) {
	switch {
	case errors.Is(err, errNoDone):
		return probes.ClassBadResponse, err.Error()
	case errors.Is(context.Cause(c.ctx), errAttemptTimeout):
		return probes.ClassTimeout, "stream stalled: nothing for " + idle.String()
	}
	class, msg := probes.ClassifyError(c.ctx, err)
	return class, c.b.errText(msg)
}

// needsDone reports whether the route's streams end with [DONE].
func needsDone(rest string) bool { return rest == routeChat || rest == routeCompletions }

// relay copies SSE bytes, writing whole events only, so an error event
// never lands in the middle of a half-written one.
type relay struct {
	w     io.Writer
	rc    *http.ResponseController
	b     *backend
	t0    time.Time
	timer *time.Timer // cancels the attempt when the upstream goes silent
	idle  time.Duration
	ttft  time.Duration
	// redact: the stream is an error, which may echo the provider's key.
	// A successful stream's bytes are passed on unchanged.
	redact  bool
	sawDone bool
	// wantFinish: this backend may end a stream without [DONE], so a chunk
	// with a finish_reason (sawFinish) ends it too; only then is it looked for.
	wantFinish, sawFinish bool
	midEvent              bool // the client has part of an event (only for oversized events)
}

func (r *relay) run(src io.Reader) error {
	bp := getBuf()
	defer putBuf(bp)
	if r.redact && cap(*bp) < 2*r.b.longest {
		// safeCut holds up to longest-1 bytes of a full buffer back for the
		// next read: a buffer no longer than that would pass nothing on and
		// spin; at twice the longest secret, each piece is over half of it.
		*bp = make([]byte, 0, 2*r.b.longest)
	}
	return r.pump(src, (*bp)[:cap(*bp)])
}

// pump relays src through buf, which must be at least as long as the backend's
// longest secret when the relay redacts (see run).
func (r *relay) pump(src io.Reader, buf []byte) error {
	pending := 0
	for {
		n, err := src.Read(buf[pending:])
		if n > 0 {
			r.timer.Reset(r.idle)
		}
		pending += n
		cut := lastEventEnd(buf[:pending])
		full := cut == 0 && pending == len(buf)
		if full {
			// One event larger than the buffer: pass it on in pieces, cut
			// where no secret straddles the cut so redact can find it.
			cut = r.pieceEnd(buf[:pending])
		}
		if cut > 0 {
			if werr := r.emit(buf[:cut]); werr != nil {
				return werr
			}
			r.midEvent = full
			pending = copy(buf, buf[cut:pending])
		}
		if err == io.EOF {
			if pending > 0 {
				err := r.emit(buf[:pending])
				r.midEvent = true // set after emit, which reads where p starts from it
				return err
			}
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// pieceEnd is where a full buffer p is cut: anywhere when nothing is
// redacted, else where no secret straddles the cut.
func (r *relay) pieceEnd(p []byte) int {
	if !r.redact {
		return len(p)
	}
	return r.b.safeCut(p)
}

func (r *relay) emit(p []byte) error {
	if r.ttft == 0 && bytes.Contains(p, dataField) {
		r.ttft = time.Since(r.t0)
	}
	if !r.sawDone && hasDone(p, !r.midEvent) {
		r.sawDone = true
	}
	if r.wantFinish && !r.sawFinish && hasFinish(p) {
		r.sawFinish = true
	}
	_ = r.rc.SetWriteDeadline(time.Now().Add(r.idle))
	if r.redact {
		p = r.b.redact(p)
	}
	if _, err := r.w.Write(p); err != nil {
		return writeFailed{err}
	}
	if err := r.rc.Flush(); err != nil {
		return writeFailed{err}
	}
	return nil
}

// hasDone reports whether p holds the [DONE] event: a line that is exactly
// "data: [DONE]" or "data:[DONE]". The same text inside a token (a model
// explaining SSE) must not pass for the end of the stream, or a truncated
// answer would end cleanly; a JSON string holds no raw line end, so the
// line end required after it tells the two apart. lineStart says whether
// p starts a line. One search per chunk in the common case: no "[DONE]".
func hasDone(p []byte, lineStart bool) bool {
	for off := 0; ; {
		i := bytes.Index(p[off:], doneValue)
		if i < 0 {
			return false
		}
		i += off
		off = i + len(doneValue)
		if off < len(p) && isLineEnd(p[off]) && onlyDataField(p[:i], lineStart) {
			return true
		}
	}
}

// onlyDataField reports whether the line that head ends with is just the
// data field's name and its optional space. lineStart says whether head
// starts a line.
func onlyDataField(head []byte, lineStart bool) bool {
	head = bytes.TrimSuffix(head, []byte(" "))
	if !bytes.HasSuffix(head, dataField) {
		return false
	}
	if n := len(head) - len(dataField); n > 0 {
		return isLineEnd(head[n-1])
	}
	return lineStart
}

var finishField = []byte(`"finish_reason"`)

// hasFinish reports whether p holds a chunk whose finish_reason is set (a
// string, not null). Inside a JSON string the field's quotes would be
// escaped, so a token cannot fake it.
func hasFinish(p []byte) bool {
	for off := 0; ; {
		i := bytes.Index(p[off:], finishField)
		if i < 0 {
			return false
		}
		off += i + len(finishField)
		rest := bytes.TrimLeft(p[off:], " ")
		if len(rest) > 0 && rest[0] == ':' && bytes.HasPrefix(bytes.TrimLeft(rest[1:], " "), []byte(`"`)) {
			return true
		}
	}
}

func isLineEnd(c byte) bool { return c == '\n' || c == '\r' }

// errorEvent ends the stream with an OpenAI-style error the SDKs raise.
func (r *relay) errorEvent(msg string) {
	var b []byte
	if r.midEvent {
		b = append(b, lfEnd...)
	}
	b = append(b, "data: "...)
	b = append(b, errorJSON("server_error", "upstream_stream_error", msg)...)
	b = append(b, lfEnd...)
	_ = r.rc.SetWriteDeadline(time.Now().Add(r.idle)) // the last one may have run out meanwhile
	_, _ = r.w.Write(b)
	_ = r.rc.Flush()
}

// lastEventEnd is the index just past the last complete event in p, 0 if none.
func lastEventEnd(p []byte) int {
	end := 0
	if i := bytes.LastIndex(p, lfEnd); i >= 0 {
		end = i + len(lfEnd)
	}
	if i := bytes.LastIndex(p, crlfEnd); i >= 0 && i+len(crlfEnd) > end {
		end = i + len(crlfEnd)
	}
	return end
}
