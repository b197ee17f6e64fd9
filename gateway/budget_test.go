package gateway

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"switchboard/config"
)

func TestBudget(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	b := newBudget(0.2, func() time.Time { return now })
	allowed := func(n int) int {
		ok := 0
		for range n {
			if b.retry() {
				ok++
			}
		}
		return ok
	}
	if got := allowed(50); got != budgetFloor {
		t.Errorf("with no traffic %d retries allowed, want the floor %d", got, budgetFloor)
	}
	for range 100 {
		b.request()
	}
	if got := allowed(50); got != 20 {
		t.Errorf("after 100 requests %d more retries allowed, want 20 (20%%)", got)
	}
	now = now.Add(budgetWindow * time.Second)
	if got := allowed(50); got != budgetFloor {
		t.Errorf("after the window passed %d retries allowed, want the floor %d", got, budgetFloor)
	}
}

// relayOf relays src into a recorder and returns what the client got.
func relayOf(t *testing.T, src io.Reader, key string) (string, *relay, error) {
	t.Helper()
	rec := httptest.NewRecorder()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	b := newBackend(config.Provider{Kind: config.KindOpenAI, APIKey: key})
	r := &relay{w: rec, rc: http.NewResponseController(rec), b: b, t0: time.Now(), timer: timer, idle: time.Hour}
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
	got, _, _ := relayOf(t, strings.NewReader("data: {\"echo\":\"sk-secret-key\"}\n\n"), "sk-secret-key")
	if strings.Contains(got, "sk-secret-key") {
		t.Errorf("key relayed: %q", got)
	}
}

func TestRelayOversizedEvent(t *testing.T) {
	big := "data: " + strings.Repeat("x", 3*initialBuffer) + "\n\n"
	got, r, err := relayOf(t, strings.NewReader(big), "")
	if err != nil || got != big || r.midEvent {
		t.Errorf("oversized event: %d of %d bytes, err %v, mid %v", len(got), len(big), err, r.midEvent)
	}
}

func TestLastEventEnd(t *testing.T) {
	for in, want := range map[string]int{"": 0, "data: a\n": 0, "data: a\n\n": 9, "a\n\nb\n\nc": 6, "a\r\n\r\nb": 5} {
		if got := lastEventEnd([]byte(in)); got != want {
			t.Errorf("lastEventEnd(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestReadLimited(t *testing.T) {
	buf := getBuf()
	defer putBuf(buf)
	if err := readLimited(strings.NewReader("12345"), buf, 5, -1); err != nil || string(*buf) != "12345" {
		t.Errorf("at the limit: %q %v", *buf, err)
	}
	if err := readLimited(strings.NewReader("123456"), buf, 5, -1); err != errTooLarge {
		t.Errorf("past the limit: %v", err)
	}
	if err := readLimited(bytes.NewReader(make([]byte, 100)), buf, 5, 100); err != errTooLarge {
		t.Errorf("declared length past the limit: %v", err)
	}
}
