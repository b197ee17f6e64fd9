package probes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptrace"
	"time"

	"switchboard/config"
)

// maxBody bounds every response body a probe reads.
const maxBody = 1 << 20

// run is one probe in progress.
type run struct {
	ctx context.Context
	res Result
	tr  *tracer
	p   config.Provider // for its secrets, found only when an error text needs them
}

// Probe asks provider p once, as its kind and probe style say, and
// classifies the outcome. p has config's defaults applied. ctx bounds the
// whole exchange; without a deadline, p's timeout applies. client's
// redirect policy is replaced so that key headers never follow a redirect.
func Probe(ctx context.Context, client *http.Client, p config.Provider) Result {
	start := time.Now()
	r := &run{ctx: ctx, tr: &tracer{start: start}, p: p,
		res: Result{Provider: p.Name, Source: SourceProbe, Start: start}}
	if _, ok := ctx.Deadline(); !ok {
		if p.Timeout <= 0 {
			return r.done(ClassClientError, "bad probe config: no timeout"+notApplied)
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.Timeout.D())
		defer cancel()
		r.ctx = ctx
	}
	pl, err := newPlan(p)
	if err != nil {
		return r.done(ClassClientError, "bad probe config: "+err.Error())
	}
	req, err := pl.request(httptrace.WithClientTrace(ctx, r.tr.clientTrace()))
	if err != nil {
		return r.done(ClassClientError, "bad probe request: "+err.Error())
	}
	resp, err := withoutRedirects(client).Do(req)
	if err != nil {
		return r.broken(err)
	}
	defer resp.Body.Close()
	r.res.Status = resp.StatusCode
	class := ClassifyStatus(resp.StatusCode)
	switch {
	case p.Kind == config.KindHTTP:
		return r.judgeHTTP(resp, p)
	case class != ClassOK:
		return r.httpFailed(resp, class)
	case pl.stream != noStream:
		return r.judgeStream(resp, pl)
	}
	return r.judgeBody(resp, pl)
}

// done completes the Result: total latency, phases, class and a short,
// redacted error text.
func (r *run) done(class Class, msg string) Result {
	r.res.Latency = time.Since(r.res.Start)
	r.res.Phases = r.tr.phases()
	r.res.Class = class
	if msg != "" {
		r.res.Err = Short(Redact(msg, Secrets(r.p)...))
	}
	return r.res
}

// broken classifies a transport failure; a timeout says what it waited for.
func (r *run) broken(err error) Result {
	class, msg := ClassifyError(r.ctx, err)
	if class == ClassTimeout {
		msg = "timeout " + r.tr.stage()
	}
	return r.done(class, msg)
}

// httpFailed reports a non-2xx answer with the provider's own message.
func (r *run) httpFailed(resp *http.Response, class Class) Result {
	body, _, _ := readLimited(resp.Body, 64<<10)
	pe := ParseProviderError(body)
	if class == ClassRateLimited {
		r.res.RetryAfter = ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	if pe.KeyInvalid() {
		class = ClassAuth // Gemini answers a wrong key with 400
	}
	msg := fmt.Sprintf("HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	if pe.Msg != "" {
		msg = fmt.Sprintf("HTTP %d: %s", resp.StatusCode, pe.Msg)
	}
	if loc := resp.Header.Get("Location"); class == ClassBadResponse && loc != "" {
		msg += " to " + loc
	}
	return r.done(class, msg)
}

// judgeBody reads a 2xx body within the limit, counts what it cost and
// checks its shape.
func (r *run) judgeBody(resp *http.Response, pl *plan) Result {
	body, tooBig, err := readLimited(resp.Body, maxBody)
	if pl.spends {
		// A 2xx answer was generated, and billed, whatever its shape.
		var m usageMeter
		m.see(body)
		r.res.Tokens = m.tokens()
	}
	switch {
	case err != nil:
		return r.broken(err)
	case tooBig:
		return r.done(ClassBadResponse, "response body exceeds 1 MiB")
	}
	if err := pl.check(body); err != nil {
		return r.done(ClassBadResponse, err.Error()+contentType(resp))
	}
	return r.done(ClassOK, "")
}

func (r *run) judgeStream(resp *http.Response, pl *plan) Result {
	if mt := mediaType(resp); mt != "text/event-stream" {
		return r.done(ClassBadResponse, "expected an event stream"+contentType(resp))
	}
	var m usageMeter
	err := readStream(resp.Body, pl.stream, &m, func() { r.res.TTFT = time.Since(r.res.Start) })
	r.res.Tokens = m.tokens() // a broken stream was billed for what it sent
	var se *streamError
	switch {
	case errors.As(err, &se):
		return r.done(se.class, se.msg)
	case err != nil:
		return r.broken(err)
	}
	return r.done(ClassOK, "")
}

// judgeHTTP checks a generic http probe's expected status and body text.
func (r *run) judgeHTTP(resp *http.Response, p config.Provider) Result {
	want, text := p.HTTP.ExpectStatus, p.HTTP.ExpectBody
	if resp.StatusCode != want {
		if class := ClassifyStatus(resp.StatusCode); class != ClassOK {
			return r.httpFailed(resp, class)
		}
		return r.done(ClassBadResponse, fmt.Sprintf("HTTP %d, expected %d", resp.StatusCode, want))
	}
	// Only the first MiB is searched; a larger page is not an error here.
	body, _, err := readLimited(resp.Body, maxBody)
	if err != nil {
		return r.broken(err)
	}
	if text != "" && !bytes.Contains(body, []byte(text)) {
		return r.done(ClassBadResponse, fmt.Sprintf("response does not contain %q", text))
	}
	return r.done(ClassOK, "")
}

// readLimited reads at most limit bytes, reporting whether there was more.
func readLimited(body io.Reader, limit int) ([]byte, bool, error) {
	b, err := io.ReadAll(io.LimitReader(body, int64(limit)+1))
	if len(b) > limit {
		return b[:limit], true, err
	}
	return b, false, err
}

func mediaType(resp *http.Response) string {
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return mt
}

// contentType notes a body that did not even claim to be JSON.
func contentType(resp *http.Response) string {
	mt := mediaType(resp)
	if mt == "application/json" {
		return ""
	}
	return " (" + cmpOr(mt, "no content type") + ")"
}
