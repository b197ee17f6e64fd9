package gateway_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/config"
	"switchboard/gateway"
	"switchboard/internal/fakes"
	"switchboard/internal/memnet"
)

// gwAddr is where the gateway listens on the in-memory network: a loopback
// name, as the gateway serves only local clients without a token.
const gwAddr = "127.0.0.1:8787"

// serveMem serves h at addr on n until the returned stop is called, inside
// a synctest bubble: stop also waits out net/http's linger after closing a
// connection (half a second, of bubble time), so no goroutine outlives it.
func serveMem(t *testing.T, n *memnet.Network, addr string, h http.Handler) (stop func()) {
	t.Helper()
	l, err := n.Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(l) }()
	return func() {
		_ = srv.Close()
		<-done
		time.Sleep(time.Second)
	}
}

// slowAnswer is what a slow client got, and when (in bubble time).
type slowAnswer struct {
	status     int
	at         time.Duration
	retryAfter string
	body       string
	err        error
}

// maxTrickle bounds a slow client's sending, so it stops by itself.
const maxTrickle = 120

// slowClient declares size body bytes and then sends them a byte a second
// (at most maxTrickle), until the gateway answers.
func slowClient(n *memnet.Network, size int) slowAnswer {
	start := time.Now()
	conn, err := n.DialContext(context.Background(), "tcp", gwAddr)
	if err != nil {
		return slowAnswer{err: err}
	}
	defer conn.Close()
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		_, err := fmt.Fprintf(conn, "POST /v1/chat/completions HTTP/1.1\r\nHost: %s\r\n"+
			"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", gwAddr, size)
		for i := 0; err == nil && i < maxTrickle; i++ {
			select {
			case <-stop:
				return
			case <-time.After(time.Second):
			}
			_, err = conn.Write([]byte("{"))
		}
	}()
	defer func() { close(stop); conn.Close(); <-stopped }()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return slowAnswer{err: err, at: time.Since(start)}
	}
	body, err := io.ReadAll(resp.Body)
	return slowAnswer{status: resp.StatusCode, at: time.Since(start), retryAfter: resp.Header.Get("Retry-After"),
		body: string(body), err: err}
}

// perRequestHeap bounds the heap one request holds while its body trickles
// in: the gateway's read buffer (at most 64 KiB however large the declared
// length) and net/http's connection state.
const perRequestHeap = 256 << 10

// Hundreds of clients that declare large bodies and send them a byte a
// second, against a gateway that serves 8 requests at once: the 8 that get
// a slot hold little memory (not their declared 10 MiB), and are cut by
// body_timeout, which frees their slots; every other client is refused at
// once with a 503 and Retry-After: 1, before any body byte is read and
// before any time passes. It runs in simulated time on an in-memory
// network, so the 30 s deadline costs nothing and is exact.
func TestSlowClientsAreBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const slots, clients = 8, 300
		n := memnet.New()
		stopFake := serveMem(t, n, "openai.test:80", fakes.NewHandler(fakes.Options{Kind: config.KindOpenAI, APIKey: upstreamKey}))
		defer stopFake()
		cfg := newConfig(config.Provider{Name: "p", Kind: config.KindOpenAI, BaseURL: "http://openai.test:80/v1", APIKey: upstreamKey})
		cfg.Gateway.MaxConcurrentRequests = slots
		declared := int(cfg.Gateway.MaxRequestBody) // accepted by its size, and 10 MiB
		bodyTimeout := cfg.Gateway.BodyTimeout.D()
		upstream := n.Client(0)
		defer upstream.CloseIdleConnections()
		gw, err := gateway.New(cfg, newFakeSource("p"), gateway.Options{Client: upstream})
		if err != nil {
			t.Fatal(err)
		}
		defer serveMem(t, n, gwAddr, gw.Handler())()

		var before, during runtime.MemStats
		settledHeap(&before)
		answers := make(chan slowAnswer, clients)
		for i := range clients {
			size := declared
			if i%2 == 1 {
				size = 1 << 10 // small ones too: net/http would wait to drain those
			}
			go func() { answers <- slowClient(n, size) }()
		}
		time.Sleep(bodyTimeout / 2) // the slots are held, the bodies trickling
		settledHeap(&during)
		if grown := int64(during.HeapAlloc) - int64(before.HeapAlloc); grown > slots*perRequestHeap {
			t.Errorf("heap grew %d KiB with %d bodies trickling in, want at most %d KiB",
				grown>>10, slots, slots*perRequestHeap>>10)
		}
		checkSlowAnswers(t, answers, clients, slots, bodyTimeout)

		// The slots are free again.
		client := n.Client(time.Minute)
		defer client.CloseIdleConnections()
		resp, err := client.Post("http://"+gwAddr+"/v1/chat/completions", "application/json", strings.NewReader(chatBody))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("after the slow clients: status %d, want 200", resp.StatusCode)
		}
	})
}

// settledHeap reads the heap's statistics after two collections: the
// first moves what sync.Pools hold (net/http pools each connection's
// buffers) to their victim caches, the second frees it, so only memory in
// use is counted.
func settledHeap(m *runtime.MemStats) {
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(m)
}

// checkSlowAnswers reads every client's answer: all but slots refused at
// once, the slots' holders cut exactly at the body deadline.
func checkSlowAnswers(t *testing.T, answers <-chan slowAnswer, clients, slots int, bodyTimeout time.Duration) {
	t.Helper()
	refused, cut := 0, 0
	for range clients {
		a := <-answers
		switch {
		case a.err != nil:
			t.Errorf("a client got no answer after %s: %v", a.at, a.err)
		case a.status == http.StatusServiceUnavailable:
			refused++
			if msg, typ, code := openAIError(t, a.body); a.at != 0 || a.retryAfter != "1" || typ != "server_error" || code != "overloaded" {
				t.Errorf("refused after %s with Retry-After %q, %s/%s %q; want at once with Retry-After 1",
					a.at, a.retryAfter, typ, code, msg)
			}
		case a.status == http.StatusRequestTimeout:
			cut++
			if a.at != bodyTimeout {
				t.Errorf("a trickling body was cut after %s, want body_timeout (%s)", a.at, bodyTimeout)
			}
		default:
			t.Errorf("status %d after %s: %s", a.status, a.at, a.body)
		}
	}
	if refused != clients-slots || cut != slots {
		t.Errorf("%d refused and %d cut by the body deadline, want %d and %d", refused, cut, clients-slots, slots)
	}
}
