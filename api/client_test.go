package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/internal/memnet"
)

// stranger serves h at apiAddr on a fresh network, standing for a server
// or a proxy that does not behave like switchboard; it returns a client.
func stranger(t *testing.T, h http.HandlerFunc, opts ...Option) *Client {
	t.Helper()
	n := memnet.New()
	ln, err := n.Listen(apiAddr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close(); <-done })
	c := NewClient("http://"+apiAddr, opsToken, append([]Option{WithTransport(n.Client(0).Transport)}, opts...)...)
	t.Cleanup(c.Close)
	return c
}

// TestClientTimesOut: a server that never answers costs a request its
// timeout, not forever; a stream that falls silent is given up after its
// idle timeout.
func TestClientTimesOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := stranger(t, func(w http.ResponseWriter, r *http.Request) {
			// Read to the end: only then does net/http watch the
			// connection and end the request's context when it closes.
			_, _ = io.Copy(io.Discard, r.Body)
			if r.URL.Path == "/api/v1/stream" {
				w.WriteHeader(200)
				w.(http.Flusher).Flush()
			}
			<-r.Context().Done()
		}, WithTimeout(3*time.Second), WithStreamIdle(7*time.Second))
		began := time.Now()
		_, err := c.State(context.Background())
		if err == nil || time.Since(began) != 3*time.Second {
			t.Errorf("State from a hung server: %v after %s, want an error after 3s", err, time.Since(began))
		}
		_, err = c.Command(context.Background(), CommandRequest{Action: ActionAuto})
		var apiErr *Error
		if err == nil || errors.As(err, &apiErr) {
			t.Errorf("Command from a hung server: %v, want a timeout, not a refusal", err)
		}
		began = time.Now()
		err = c.Stream(context.Background(), 0, func(Frame) { t.Error("a frame from a silent stream") })
		if err == nil || !strings.Contains(err.Error(), "nothing received for 7s") || time.Since(began) != 7*time.Second {
			t.Errorf("silent stream: %v after %s, want given up after 7s", err, time.Since(began))
		}
	})
}

// TestClientReadsThroughLimits: an answer larger than the client reads is
// an error rather than memory spent; a proxy's non-JSON error page is an
// *Error with its status and first line.
func TestClientReadsThroughLimits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := stranger(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/api/v1/events" {
				w.WriteHeader(502)
				_, _ = io.WriteString(w, "<html>502 Bad Gateway</html>\n<body>nginx</body>")
				return
			}
			chunk := strings.Repeat(" ", 1<<20)
			for range maxAnswer>>20 + 2 {
				if _, err := io.WriteString(w, chunk); err != nil {
					return
				}
			}
		})
		if _, err := c.State(context.Background()); err == nil || !strings.Contains(err.Error(), "larger than") {
			t.Errorf("an endless answer: %v, want refused as too large", err)
		}
		_, err := c.Events(context.Background(), 0, 0)
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.Status != 502 || apiErr.Msg != "<html>502 Bad Gateway</html>" {
			t.Errorf("a proxy's error page: %#v", err)
		}
	})
}

// TestClientRefusals: the client's errors carry the server's status and
// its reason, and never the token.
func TestClientRefusals(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := start(t, Options{})
		_, err := e.client("wrong-token-55555").State(context.Background())
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.Status != 401 || !strings.Contains(apiErr.Msg, "Bearer") {
			t.Fatalf("wrong token: %v", err)
		}
		if strings.Contains(err.Error(), "wrong-token-55555") {
			t.Errorf("the error shows the token: %v", err)
		}
		_, err = e.client(opsToken).Command(context.Background(), CommandRequest{Action: ActionPin, Provider: "charlie"})
		if !errors.As(err, &apiErr) || apiErr.Status != 400 || !strings.Contains(apiErr.Msg, `unknown provider "charlie"`) {
			t.Errorf("unknown provider: %v", err)
		}
		res, err := e.client(opsToken).Command(context.Background(), CommandRequest{Action: ActionPin, Provider: "bravo", ExpectActive: "alpha"})
		if err != nil || !res.OK || res.Active == nil || *res.Active != "bravo" {
			t.Fatalf("pin: %+v %v", res, err)
		}
		if ev, ok := eventAt(e.mon.Snapshot(), res.Seq); !ok || ev.Kind != "active" || ev.To != "bravo" || ev.Actor != "oncall" {
			t.Errorf("the answer's seq %d is event %+v, want the switch to bravo by oncall", res.Seq, ev)
		}
		st, err := e.client(viewToken).State(context.Background())
		if err != nil || st.Active == nil || *st.Active != "bravo" || st.Pinned == nil || st.Pinned.Name != "bravo" || st.Caller.Role != "viewer" {
			t.Errorf("state after the pin: %+v %v", st, err)
		}
	})
}
