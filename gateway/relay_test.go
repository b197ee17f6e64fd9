package gateway

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"switchboard/config"
	"switchboard/probes"
)

// relayOf relays src into a recorder, redacting as for an error stream,
// and returns what the client got.
func relayOf(t *testing.T, src io.Reader, key string) (string, *relay, error) {
	t.Helper()
	return relayWith(t, src, key, true)
}

// relayWith is relayOf for a successful stream (redact false) or an error.
func relayWith(t *testing.T, src io.Reader, key string, redact bool) (string, *relay, error) {
	t.Helper()
	rec := httptest.NewRecorder()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	b := newBackend(config.Provider{Kind: config.KindOpenAI, APIKey: key})
	r := &relay{w: rec, rc: http.NewResponseController(rec), b: b, t0: time.Now(), timer: timer, idle: time.Hour, redact: redact}
	err := r.run(src)
	return rec.Body.String(), r, err
}

func TestRelayWritesWholeEvents(t *testing.T) {
	stream := "data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n"
	// One byte per read: events must still reach the client whole.
	got, r, err := relayOf(t, iotest.OneByteReader(strings.NewReader(stream)), "")
	if err != nil || got != stream || !r.sawDone || r.ttft <= 0 {
		t.Fatalf("got %q err %v done %v ttft %v", got, err, r.sawDone, r.ttft)
	}
}

// Only a line that is exactly "data: [DONE]" or "data:[DONE]" ends the
// stream, however the reads cut the body; the text elsewhere is content.
func TestRelaySeesDoneOnlyAsALine(t *testing.T) {
	const ev = "data: {\"a\":1}\n\n"
	for stream, want := range map[string]bool{
		ev + "data: [DONE]\n\n":                              true,
		ev + "data:[DONE]\r\n\r\n":                           true,
		ev + "data: [DONE]\n":                                true, // the body ends before the blank line
		"data: {\"t\":\"data: [DONE]\\n\\n\"}\n\n":           false,
		"data: {\"t\":\"x\ndata:[DONE]\"}\n\n":               false,
		ev + "data:  [DONE]\n\n":                             false, // the value is " [DONE]"
		ev + "xdata: [DONE]\n\n":                             false,
		ev + "data: [DONE]":                                  false, // cut inside the line
		"data: {\"t\":\"data: [DONE]\"}\n\ndata: [DONE]\n\n": true,
	} {
		for _, src := range []io.Reader{strings.NewReader(stream), iotest.OneByteReader(strings.NewReader(stream))} {
			if _, r, err := relayOf(t, src, ""); err != nil || r.sawDone != want {
				t.Errorf("%q: done %v, err %v; want done %v", stream, r.sawDone, err, want)
			}
		}
	}
}

func TestRelayDropsPartialEventOnError(t *testing.T) {
	src := io.MultiReader(strings.NewReader("data: {\"a\":1}\n\ndata: {\"trunc"), iotest.ErrReader(io.ErrUnexpectedEOF))
	got, r, err := relayOf(t, src, "")
	if err == nil || got != "data: {\"a\":1}\n\n" {
		t.Fatalf("got %q err %v: want the whole first event only and an error", got, err)
	}
	rec := httptest.NewRecorder()
	r.w, r.rc = rec, http.NewResponseController(rec)
	r.errorEvent("boom")
	if ev := rec.Body.String(); !strings.HasPrefix(ev, `data: {"error":{"message":"boom"`) || !strings.HasSuffix(ev, "\n\n") {
		t.Errorf("error event %q", ev)
	}
}

func TestRelayRedactsKey(t *testing.T) {
	const key = "sk-secret-key-0123456789"
	got, _, _ := relayOf(t, strings.NewReader("data: {\"echo\":\""+key+"\"}\n\n"), key)
	if strings.Contains(got, key) {
		t.Errorf("key relayed: %q", got)
	}
}

// A successful stream is the model's answer: relayed byte for byte, even
// where it holds the provider's key (the client put it in its prompt) or a
// placeholder key that is also a word, and in pieces when an event
// outgrows the buffer.
func TestRelayPassesAnswerUnchanged(t *testing.T) {
	for _, key := range []string{"sk-secret-key-0123456789", "ollama", "x"} {
		ev := "data: {\"model\":\"ollama-llama3.2\",\"index\":0,\"echo\":\"" + key + "\"}\n\n"
		big := "data: " + strings.Repeat("x", 2*initialBuffer) + key + "\n\n"
		for _, in := range []string{ev + "data: [DONE]\n\n", big} {
			got, _, err := relayWith(t, iotest.HalfReader(strings.NewReader(in)), key, false)
			if err != nil || got != in {
				t.Errorf("key %q: the client got %d bytes (err %v), want the %d sent unchanged", key, len(got), err, len(in))
			}
		}
	}
}

func TestRelayOversizedEvent(t *testing.T) {
	big := "data: " + strings.Repeat("x", 3*initialBuffer) + "\n\n"
	got, r, err := relayOf(t, strings.NewReader(big), "")
	if err != nil || got != big || r.midEvent {
		t.Errorf("oversized event: %d of %d bytes, err %v, mid %v", len(got), len(big), err, r.midEvent)
	}
}

// pumpOf relays src through a buffer of size bytes instead of a pooled one,
// so a test decides where an oversized event is cut.
func pumpOf(t *testing.T, src io.Reader, b *backend, size int) (string, error) {
	t.Helper()
	rec := httptest.NewRecorder()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	r := &relay{w: rec, rc: http.NewResponseController(rec), b: b, t0: time.Now(), timer: timer, idle: time.Hour, redact: true}
	err := r.pump(src, make([]byte, size))
	return rec.Body.String(), err
}

// around is the part of s near i, for messages about long streams.
func around(s string, i int) string { return s[min(max(i-10, 0), len(s)):min(i+40, len(s))] }

// An oversized event goes out in pieces, each redacted alone: every form of
// a secret (the escaped ones are longer) must be redacted wherever the cuts
// fall, whether the event ends or the body stops inside it.
func TestRelayRedactsSecretAcrossPieces(t *testing.T) {
	const secret = "p@ss/w0rd-0123456"
	b := newBackend(config.Provider{Kind: config.KindOpenAI, APIKey: secret})
	forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
	for _, size := range []int{2 * b.longest, 2*b.longest + 1, 64} {
		for _, form := range forms {
			for at := len("data: "); at < 3*size; at++ {
				for _, end := range []string{"\n\ndata: [DONE]\n\n", ""} {
					in := "data: " + strings.Repeat("x", at-len("data: ")) + form + end
					got, err := pumpOf(t, strings.NewReader(in), b, size)
					if want := probes.Redact(in, secret); err != nil || got != want {
						t.Fatalf("buffer %d, %q at %d: the client got %q…, err %v", size, form, at, around(got, at), err)
					}
				}
			}
		}
	}
}

// A secret longer than the pooled buffer still leaves the relay room to
// hold back its tail and move on, and is redacted. A relay that cannot move
// on spins, so the test gives up after a while rather than hang the run.
func TestRelaySecretLongerThanBuffer(t *testing.T) {
	key := strings.Repeat("k", 2*initialBuffer)
	at := initialBuffer / 2
	in := "data: " + strings.Repeat("x", at-len("data: ")) + key + "\n\ndata: [DONE]\n\n"
	type result struct {
		got string
		err error
	}
	done := make(chan result, 1)
	go func() {
		got, _, err := relayOf(t, strings.NewReader(in), key)
		done <- result{got, err}
	}()
	select {
	case res := <-done:
		if want := probes.Redact(in, key); res.err != nil || res.got != want {
			t.Errorf("the client got %d bytes, %q… at the key, err %v", len(res.got), around(res.got, at), res.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the relay made no progress: a full buffer held back whole")
	}
}

func TestLastEventEnd(t *testing.T) {
	for in, want := range map[string]int{"": 0, "data: a\n": 0, "data: a\n\n": 9, "a\n\nb\n\nc": 6, "a\r\n\r\nb": 5} {
		if got := lastEventEnd([]byte(in)); got != want {
			t.Errorf("lastEventEnd(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestHasFinish(t *testing.T) {
	cases := map[string]bool{
		`data: {"choices":[{"finish_reason":"stop"}]}`:                        true,
		`data: {"choices":[{"finish_reason" : "length"}]}`:                    true,
		`data: {"choices":[{"finish_reason":null}]}`:                          false,
		`data: {"choices":[{"delta":{"content":"\"finish_reason\":\"x"}}]}`:   false,
		`data: {"choices":[{"finish_reason":null}]} {"finish_reason":"stop"}`: true,
	}
	for p, want := range cases {
		if got := hasFinish([]byte(p)); got != want {
			t.Errorf("hasFinish(%s) = %v, want %v", p, got, want)
		}
	}
}
