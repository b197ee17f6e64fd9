package demo

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/internal/memnet"
)

// gatewayStub answers chat requests as answer says, on an in-memory
// network, and counts the streamed and plain requests it got.
type gatewayStub struct {
	mu             sync.Mutex
	streams, plain int
	auth           []string
}

func (g *gatewayStub) serve(t *testing.T, answer func(w http.ResponseWriter, stream bool)) *http.Client {
	n := memnet.New()
	ln, err := n.Listen("127.0.0.1:8787")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		stream := strings.Contains(string(body), `"stream":true`)
		g.mu.Lock()
		if stream {
			g.streams++
		} else {
			g.plain++
		}
		g.mu.Unlock()
		if r.URL.Path != "/v1/chat/completions" || !strings.Contains(string(body), `"model":"`+Model+`"`) {
			http.Error(w, "not a chat request for the demo's model", http.StatusBadRequest)
			return
		}
		answer(w, stream)
	})}
	go func() { _ = srv.Serve(ln) }()
	client := n.Client(time.Minute)
	t.Cleanup(func() { client.CloseIdleConnections(); _ = srv.Close() })
	return client
}

func okAnswer(w http.ResponseWriter, stream bool) {
	if !stream {
		_, _ = io.WriteString(w, `{"choices":[{"message":{"content":"hi"}}]}`)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	_, _ = io.WriteString(w, "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n")
}

// The demo's application sends two requests a second, plain and streamed
// in turn, as the OpenAI API asks them, and counts none as failed when
// the gateway answers them all.
func TestTrafficSendsPlainAndStreamed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var g gatewayStub
		app := NewTraffic("http://127.0.0.1:8787/v1/", g.serve(t, okAnswer))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { app.Run(ctx); close(done) }()
		time.Sleep(10*time.Second + TrafficEvery/2)
		cancel()
		<-done
		st := app.Stats()
		if st.Sent != 20 || st.OK != 20 || st.Failed != 0 {
			t.Fatalf("in 10 s: %+v, want 20 sent, all ok", st)
		}
		if g.streams != 10 || g.plain != 10 {
			t.Fatalf("%d streamed and %d plain, want 10 of each", g.streams, g.plain)
		}
	})
}

// What an application would see as an error is counted as one: an error
// status, a stream cut before [DONE], an error event in the stream.
func TestTrafficCountsWhatTheApplicationSees(t *testing.T) {
	cases := []struct {
		name   string
		answer func(w http.ResponseWriter, stream bool)
		want   string
	}{
		{"error status", func(w http.ResponseWriter, _ bool) { http.Error(w, "upstream failed", http.StatusBadGateway) }, "HTTP 502"},
		{"stream cut short", func(w http.ResponseWriter, stream bool) {
			if !stream {
				okAnswer(w, stream)
				return
			}
			_, _ = io.WriteString(w, "data: {\"choices\":[]}\n\n")
		}, "before [DONE]"},
		{"error event", func(w http.ResponseWriter, stream bool) {
			if !stream {
				okAnswer(w, stream)
				return
			}
			_, _ = io.WriteString(w, "data: {\"error\":{\"message\":\"broke\"}}\n\n")
		}, "error event"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var g gatewayStub
				app := NewTraffic("http://127.0.0.1:8787/v1", g.serve(t, c.answer))
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan struct{})
				go func() { app.Run(ctx); close(done) }()
				time.Sleep(2*time.Second + TrafficEvery/2)
				cancel()
				<-done
				if st := app.Stats(); st.Failed == 0 || !strings.Contains(st.LastError, c.want) {
					t.Fatalf("%+v: want failures, the last saying %q", st, c.want)
				}
			})
		})
	}
}
