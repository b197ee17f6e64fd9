package gateway

import (
	"bytes"
	"io"
	"net/http"
	"time"

	"switchboard/probes"
)

var (
	dataField = []byte("data:")
	doneValue = []byte("[DONE]")
	lfEnd     = []byte("\n\n")
	crlfEnd   = []byte("\r\n\r\n")
)

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
	redact bool
	// plain: the body is not an event stream (a large JSON answer), so it
	// is passed on a full buffer at a time and no event is looked for.
	plain   bool
	sawDone bool
	// wantFinish: this backend may end a stream without [DONE], so a chunk
	// with a finish_reason (sawFinish) ends it too; only then is it looked for.
	wantFinish, sawFinish bool
	midEvent              bool // the client has part of an event (only for oversized events)
	// usage reads the counts a stream reports (OpenAI's final usage
	// chunk, Anthropic's running totals) as its events pass.
	usage probes.Usage
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
		cut := 0
		if !r.plain {
			cut = lastEventEnd(buf[:pending])
		}
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
	if !r.plain {
		r.watch(p)
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

// watch notes what the events in p say: the first token's time, and
// whether the stream has ended as a whole answer ends.
func (r *relay) watch(p []byte) {
	if r.ttft == 0 && bytes.Contains(p, dataField) {
		r.ttft = time.Since(r.t0)
	}
	if !r.sawDone && hasDone(p, !r.midEvent) {
		r.sawDone = true
	}
	if r.wantFinish && !r.sawFinish && hasFinish(p) {
		r.sawFinish = true
	}
	if bytes.Contains(p, usageWord) {
		r.seeUsage(p)
	}
}

var usageWord = []byte("usage")

// seeUsage shows each data line of p to the usage reader. A piece of an
// oversized event does not start with its data field, or ends before its
// JSON does: it reads as nothing.
func (r *relay) seeUsage(p []byte) {
	for len(p) > 0 {
		line := p
		if i := bytes.IndexByte(p, '\n'); i >= 0 {
			line, p = p[:i], p[i+1:]
		} else {
			p = nil
		}
		if rest, ok := bytes.CutPrefix(line, dataField); ok {
			r.usage.See(bytes.TrimSpace(rest))
		}
	}
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
