package gateway_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"switchboard/config"
	"switchboard/probes"
)

// bigAnswer is a chat completion of about size bytes.
func bigAnswer(size int) []byte {
	head := `{"id":"chatcmpl-big","object":"chat.completion","created":1,"model":"gpt-4o-mini",` +
		`"choices":[{"index":0,"message":{"role":"assistant","content":"`
	tail := `"},"finish_reason":"stop"}]}`
	b := make([]byte, 0, size)
	b = append(b, head...)
	for i := 0; len(b) < size-len(tail)-16; i++ {
		b = strconv.AppendInt(append(b, " token "...), int64(i), 10) // no two stretches alike
	}
	return append(b, tail...)
}

// compareBody reads r to its end, comparing it with want as it comes
// rather than holding a second copy: how many bytes came, and whether they
// were want's.
func compareBody(r io.Reader, want []byte) (int, bool, error) {
	buf := make([]byte, 256<<10)
	n, same := 0, true
	for {
		k, err := r.Read(buf)
		same = same && n+k <= len(want) && bytes.Equal(buf[:k], want[n:n+k])
		n += k
		if err == io.EOF {
			return n, same, nil
		}
		if err != nil {
			return n, same, err
		}
	}
}

// countingUpstream serves answer to every request, with its Content-Length
// or chunked (every other request), and counts the requests.
func countingUpstream(t *testing.T, name string, answer []byte) (config.Provider, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if n.Add(1)%2 == 1 {
			w.Header().Set("Content-Length", strconv.Itoa(len(answer)))
		} // else the server sends it chunked, its length unknown until the end
		_, _ = w.Write(answer)
	}))
	t.Cleanup(s.Close)
	return config.Provider{Name: name, Kind: config.KindOpenAI, BaseURL: s.URL + "/v1", APIKey: upstreamKey}, &n
}

// An answer larger than max_response_buffer (default 32 MiB) is a healthy
// answer: the client gets it whole and unchanged from the first backend,
// which is asked once per request, and nothing is reported as a failure.
// Before, it was called a bad response, asked of the next backend too
// (billed twice) and counted against a healthy provider.
func TestAnswerLargerThanBufferIsPassedOn(t *testing.T) {
	answer := bigAnswer(40 << 20)
	p, primaryN := countingUpstream(t, "primary", answer)
	s, secondaryN := countingUpstream(t, "secondary", answer)
	cfg := newConfig(p, s)
	// Not a test of timeouts: the harness's 1 s wait for an answer's first
	// byte was too short for 40 MiB answers under -race on a busy machine.
	cfg.Gateway.UpstreamTimeout = config.Duration(30 * time.Second)
	h := start(t, cfg, newFakeSource("primary", "secondary"))
	if got := config.DefaultGateway().MaxResponseBuffer; int(got) >= len(answer) {
		t.Fatalf("the answer (%d bytes) must outgrow the default buffer (%d)", len(answer), got)
	}
	const requests = 3 // with a Content-Length, chunked, with one again
	for i := range requests {
		resp, err := h.http.Post(h.url+"/v1/chat/completions", "application/json", strings.NewReader(chatBody))
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		got, same, err := compareBody(resp.Body, answer)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || got != len(answer) || !same {
			t.Fatalf("request %d: status %d, %d of %d bytes, identical %v, err %v",
				i, resp.StatusCode, got, len(answer), same, err)
		}
		if b := resp.Header.Get("X-Switchboard-Backend"); b != "primary" {
			t.Errorf("request %d: served by %q, want primary", i, b)
		}
		if wantLen := int64(len(answer)); i%2 == 0 && resp.ContentLength != wantLen {
			t.Errorf("request %d: Content-Length %d, want the upstream's %d", i, resp.ContentLength, wantLen)
		}
	}
	if pn, sn := primaryN.Load(), secondaryN.Load(); pn != requests || sn != 0 {
		t.Errorf("upstream requests: primary %d, secondary %d; want %d and 0", pn, sn, requests)
	}
	for _, r := range h.src.ReportsAfter(requests) {
		if r.Provider != "primary" || r.Class != probes.ClassOK {
			t.Errorf("reported %s %s %q, want only successes of primary", r.Provider, r.Class, r.Err)
		}
	}
	for _, rec := range h.src.RecordsAfter(requests) {
		if !rec.OK || rec.Attempts != 1 {
			t.Errorf("request record %+v, want OK at the first attempt", rec)
		}
	}
}

// Past the buffer the answer is committed: the client has the headers
// before the upstream has finished, and when the body then breaks it is
// not retried elsewhere (the client already has part of it). The client's
// connection is aborted, so it cannot take the part for the whole, and the
// break is the provider's fault.
func TestAnswerBrokenAfterCommitAborts(t *testing.T) {
	headersSeen := make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "4096") // over the buffer: committed at once
		_, _ = io.WriteString(w, `{"id":"chatcmpl-1","choices":[`)
		w.(http.Flusher).Flush()
		select {
		case <-headersSeen:
		case <-r.Context().Done():
		}
		panic(http.ErrAbortHandler) // the connection breaks mid-answer
	}))
	t.Cleanup(up.Close)
	secondary, secondaryN := countingUpstream(t, "secondary", []byte(instantAnswer))
	cfg := newConfig(config.Provider{Name: "primary", Kind: config.KindOpenAI, BaseURL: up.URL + "/v1", APIKey: upstreamKey}, secondary)
	cfg.Gateway.MaxResponseBuffer = 1024
	h := start(t, cfg, newFakeSource("primary", "secondary"))

	resp, err := h.http.Post(h.url+"/v1/chat/completions", "application/json", strings.NewReader(chatBody))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	close(headersSeen) // the upstream has sent only its first bytes
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Switchboard-Backend") != "primary" || resp.ContentLength != 4096 {
		t.Fatalf("status %d backend %q length %d: want primary's 200 committed with its length",
			resp.StatusCode, resp.Header.Get("X-Switchboard-Backend"), resp.ContentLength)
	}
	body, err := io.ReadAll(resp.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("read %q, err %v: want the connection cut short", body, err)
	}
	if n := secondaryN.Load(); n != 0 {
		t.Errorf("secondary asked %d times after the commit, want 0", n)
	}
	reports := h.src.ReportsAfter(1)
	if len(reports) != 1 || reports[0].Provider != "primary" || reports[0].OK() {
		t.Errorf("reports %+v, want one failure of primary", reports)
	}
}
