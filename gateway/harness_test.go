package gateway_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"go.uber.org/goleak"

	"switchboard/config"
	"switchboard/gateway"
	"switchboard/internal/fakes"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Keys of the fakes (what the gateway must send) and of clients (what it
// must never forward).
const (
	upstreamKey = "sk-upstream-0123456789abcdef"
	clientKey   = "sk-client-should-never-leave"
	model       = "gpt-4o-mini"
)

// harness is a gateway listening on loopback in front of fake providers.
type harness struct {
	t     testing.TB
	src   *fakeSource
	gw    *gateway.Gateway
	url   string // http://host:port
	fakes map[string]*fakes.Server
	http  *http.Client // the test's own client, closed at cleanup
}

// startFake starts a fake provider and closes it at cleanup.
func startFake(t *testing.T, opts fakes.Options) *fakes.Server {
	t.Helper()
	s := fakes.Start(opts)
	t.Cleanup(s.Close)
	return s
}

// provider is a config entry pointing at a fake.
func provider(name, kind string, s *fakes.Server) config.Provider {
	return config.Provider{Name: name, Kind: kind, BaseURL: s.BaseURL(), APIKey: upstreamKey}
}

// newConfig is a gateway config over provs with defaults applied and a
// short upstream timeout, so a hang costs a test little time.
func newConfig(provs ...config.Provider) *config.Config {
	c := &config.Config{Gateway: &config.Gateway{Listen: "127.0.0.1:0"}, Providers: provs}
	c.ApplyDefaults()
	c.Gateway.UpstreamTimeout = config.Duration(time.Second)
	return c
}

// twoOpenAI is the common setup: primary and secondary OpenAI fakes.
func twoOpenAI(t *testing.T) *harness {
	t.Helper()
	p := startFake(t, fakes.Options{Kind: config.KindOpenAI, APIKey: upstreamKey})
	s := startFake(t, fakes.Options{Kind: config.KindOpenAI, APIKey: upstreamKey})
	cfg := newConfig(provider("primary", config.KindOpenAI, p), provider("secondary", config.KindOpenAI, s))
	h := start(t, cfg, newFakeSource("primary", "secondary"))
	h.fakes = map[string]*fakes.Server{"primary": p, "secondary": s}
	return h
}

// start runs the gateway until the test ends.
func start(t testing.TB, cfg *config.Config, src *fakeSource) *harness {
	t.Helper()
	return startWith(t, cfg, src, gateway.Options{})
}

// startWith is start with the gateway's options, e.g. its upstream client.
func startWith(t testing.TB, cfg *config.Config, src *fakeSource, opts gateway.Options) *harness {
	t.Helper()
	gw, err := gateway.New(cfg, src, opts)
	if err != nil {
		t.Fatalf("gateway.New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- gw.ListenAndServe(ctx) }()
	select {
	case <-gw.Ready():
	case err := <-done:
		cancel()
		t.Fatalf("ListenAndServe: %v", err)
	}
	h := &harness{t: t, src: src, gw: gw, url: "http://" + gw.Addr(),
		http: &http.Client{Transport: &http.Transport{}, Timeout: 30 * time.Second}}
	t.Cleanup(func() {
		h.http.CloseIdleConnections()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ListenAndServe returned %v", err)
		}
	})
	return h
}

// sdk is the official OpenAI client pointed at the gateway, with its own
// retries off so every retry seen is the gateway's.
func (h *harness) sdk() openai.Client {
	return openai.NewClient(option.WithBaseURL(h.url+"/v1/"), option.WithAPIKey(clientKey),
		option.WithMaxRetries(0), option.WithHTTPClient(h.http))
}

// streamChat makes one streaming SDK chat call and returns how many chunks
// arrived and how the stream ended.
func (h *harness) streamChat() (int, error) {
	client := h.sdk()
	stream := client.Chat.Completions.NewStreaming(context.Background(), chatParams())
	defer stream.Close()
	n := 0
	for stream.Next() {
		n++
	}
	return n, stream.Err()
}

func chatParams() openai.ChatCompletionNewParams {
	return openai.ChatCompletionNewParams{Model: model,
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Say hello")}}
}

// do sends a raw request to the gateway and returns status, headers, body.
func (h *harness) do(method, path, body string, header map[string]string) (int, http.Header, string) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.url+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := h.http.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("reading %s %s: %v", method, path, err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

const chatBody = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}`
