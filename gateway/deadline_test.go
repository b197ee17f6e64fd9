package gateway_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/config"
	"switchboard/gateway"
	"switchboard/internal/fakes"
	"switchboard/internal/memnet"
)

// A client that sends its request and then never reads the answer holds
// the handler in its write only until body_timeout: then the write is cut
// and the request's slot is free for others. (In memory a connection
// buffers nothing, so the first byte of the answer already waits.)
func TestStalledReaderIsCut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := memnet.New()
		defer serveMem(t, n, "openai.test:80", fakes.NewHandler(fakes.Options{Kind: config.KindOpenAI, APIKey: upstreamKey}))()
		cfg := newConfig(config.Provider{Name: "p", Kind: config.KindOpenAI, BaseURL: "http://openai.test:80/v1", APIKey: upstreamKey})
		cfg.Gateway.MaxConcurrentRequests = 1
		bodyTimeout := cfg.Gateway.BodyTimeout.D()
		upstream := n.Client(0)
		defer upstream.CloseIdleConnections()
		gw, err := gateway.New(cfg, newFakeSource("p"), gateway.Options{Client: upstream})
		if err != nil {
			t.Fatal(err)
		}
		defer serveMem(t, n, gwAddr, gw.Handler())()

		conn, err := n.DialContext(context.Background(), "tcp", gwAddr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /v1/chat/completions HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"+
			"Content-Length: %d\r\n\r\n%s", gwAddr, len(chatBody), chatBody) // and then reads nothing

		client := n.Client(time.Minute)
		defer client.CloseIdleConnections()
		status := func() int {
			resp, err := client.Post("http://"+gwAddr+"/v1/chat/completions", "application/json", strings.NewReader(chatBody))
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp.StatusCode
		}
		time.Sleep(bodyTimeout - time.Second)
		if got := status(); got != http.StatusServiceUnavailable {
			t.Errorf("while the stalled answer is being written: status %d, want 503 (its slot is held)", got)
		}
		time.Sleep(time.Second)
		if got := status(); got != http.StatusOK {
			t.Errorf("after body_timeout: status %d, want 200 (the stalled write was cut)", got)
		}
	})
}

// The body deadline covers the body only: an answer that takes longer than
// body_timeout to generate (the usual non-streamed LLM call) still arrives.
// Left on the connection, the deadline would end net/http's read of it
// and so cancel the request while the provider is still generating.
func TestBodyDeadlineEndsWithTheBody(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := memnet.New()
		fake := fakes.NewHandler(fakes.Options{Kind: config.KindOpenAI, APIKey: upstreamKey})
		defer serveMem(t, n, "openai.test:80", fake)()
		cfg := newConfig(config.Provider{Name: "p", Kind: config.KindOpenAI, BaseURL: "http://openai.test:80/v1", APIKey: upstreamKey})
		cfg.Gateway.UpstreamTimeout = config.Duration(time.Minute)
		fake.SetDelay(cfg.Gateway.BodyTimeout.D() + 10*time.Second)
		upstream := n.Client(0)
		defer upstream.CloseIdleConnections()
		gw, err := gateway.New(cfg, newFakeSource("p"), gateway.Options{Client: upstream})
		if err != nil {
			t.Fatal(err)
		}
		defer serveMem(t, n, gwAddr, gw.Handler())()
		client := n.Client(time.Hour)
		defer client.CloseIdleConnections()
		resp, err := client.Post("http://"+gwAddr+"/v1/chat/completions", "application/json", strings.NewReader(chatBody))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("a slow answer: status %d: %s", resp.StatusCode, body)
		}
	})
}
