package fakes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// htmlPage is what a misconfigured proxy or captive portal sends with 200.
const htmlPage = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n" +
	"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n"

// badJSON is well-formed JSON that no provider returns.
const badJSON = `{"result":"ok","items":null}`

// misbehave answers as f says. It returns false when f does not apply to
// this request (FaultBreakStream on a request that is not streamed).
func (h *Handler) misbehave(x *exchange, f Fault) bool {
	switch f.Kind {
	case FaultStatus:
		x.fail(statusError(x.style, or503(f.Status)))
	case FaultRateLimit:
		if f.RetryAfter != "" {
			x.w.Header().Set("Retry-After", f.RetryAfter)
		}
		x.fail(rateLimitError(x.style, f.RetryAfter))
	case FaultHang:
		select {
		case <-x.r.Context().Done():
		case <-h.release:
			panic(http.ErrAbortHandler)
		}
	case FaultReset, FaultRefuse: // a bare Handler cannot stop a listener: reset instead
		reset(x.w)
	case FaultHTML200:
		x.raw("text/html; charset=utf-8", []byte(htmlPage))
	case FaultHuge:
		x.raw("application/json", hugeBody(x.h.opts.Kind))
	case FaultBadJSON:
		x.raw("application/json", []byte(badJSON))
	case FaultBreakBody:
		rec := x.rehearse()
		body := rec.Body.Bytes()
		x.w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		x.cut(rec, body[:len(body)/2])
	case FaultBreakStream:
		if !x.wantsStream() {
			return false
		}
		rec := x.rehearse()
		x.cut(rec, firstEvents(rec.Body.Bytes(), f.After))
	default:
		return false
	}
	return true
}

func or503(status int) int {
	if status == 0 {
		return http.StatusServiceUnavailable
	}
	return status
}

// raw sends a 200 with body; the client may stop reading at any point.
func (x *exchange) raw(contentType string, body []byte) {
	x.w.Header().Set("Content-Type", contentType)
	x.w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	x.w.WriteHeader(http.StatusOK)
	_, _ = x.w.Write(body)
}

// rehearse produces the normal answer without sending it, so a break fault
// can send a part of exactly what the provider would have sent.
func (x *exchange) rehearse() *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	y := *x
	y.w = rec
	y.dispatch(x.h.routes)
	return rec
}

// cut sends rec's status and headers and part of its body, then closes the
// connection. It closes with a FIN rather than a reset: a reset may overtake
// the partial data on its way and discard it, a FIN never does, and the
// client sees the body end early either way.
func (x *exchange) cut(rec *httptest.ResponseRecorder, part []byte) {
	for k, v := range rec.Header() {
		if k != "Content-Length" {
			x.w.Header()[k] = v
		}
	}
	x.w.WriteHeader(rec.Code)
	_, _ = x.w.Write(part)
	rc := http.NewResponseController(x.w)
	_ = rc.Flush()
	conn, _, err := rc.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// reset drops the connection with a TCP reset before any response byte.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2 or a recorder: abort the stream instead
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// wantsStream reports whether the request body asks for a stream.
func (x *exchange) wantsStream() bool {
	var b struct {
		Stream bool `json:"stream"`
	}
	return json.Unmarshal(x.body, &b) == nil && b.Stream
}

// firstEvents returns the first n events of an SSE body.
func firstEvents(body []byte, n int) []byte {
	end := 0
	for range n {
		i := bytes.Index(body[end:], []byte("\n\n"))
		if i < 0 {
			return body
		}
		end += i + 2
	}
	return body[:end]
}

var (
	hugeMu     sync.Mutex
	hugeBodies = map[string][]byte{}
)

// hugeBody is a well-formed list of the kind's shape, HugeSize bytes long:
// only its size is wrong. Built once per list key, on first use.
func hugeBody(kind string) []byte {
	key := "data"
	if kind == kindGemini || kind == kindOllama {
		key = "models"
	}
	hugeMu.Lock()
	defer hugeMu.Unlock()
	if b, ok := hugeBodies[key]; ok {
		return b
	}
	var sb strings.Builder
	sb.Grow(HugeSize)
	sb.WriteString(`{"object":"list","` + key + `":[`)
	const item = `{"id":"padding-model","object":"model","created":0,"owned_by":"fake"}`
	for i := 0; sb.Len()+len(item)+3 < HugeSize; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(item)
	}
	sb.WriteString("]}")
	sb.WriteString(strings.Repeat(" ", HugeSize-sb.Len()))
	b := []byte(sb.String())
	hugeBodies[key] = b
	return b
}
