// Package demo runs simulated providers in-process so that `go run .` shows
// the dashboard probing, failing over and failing back with no API key and
// no network. Each provider is a local fake that speaks its real API (from
// internal/fakes) driven by a script that repeats every four minutes.
package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"switchboard/config"
	"switchboard/internal/fakes"
)

// Options are the demo's injectable parts; zero values take defaults.
type Options struct {
	// Now is the clock the script reads (default time.Now).
	Now func() time.Time
	// LatencyScale multiplies the simulated latencies: 1 is realistic, 0
	// (the zero value, for tests) answers at once.
	LatencyScale float64
	// Listen opens the listener of one simulated provider (default: TCP on
	// 127.0.0.1:0). Tests pass an in-memory network's Listen.
	Listen func(provider string) (net.Listener, error)
	// Client reaches those listeners (default: a loopback client).
	Client *http.Client
	// GatewayListen is the gateway address written to the config. Default
	// 127.0.0.1:8787, or 127.0.0.1:0 when that port is busy.
	GatewayListen string
}

// Demo is a running set of simulated providers.
type Demo struct {
	now     func() time.Time
	start   time.Time
	scale   float64
	done    chan struct{}
	client  *http.Client
	gateway string

	servers []*http.Server
	bases   map[string]string // provider → base URL of its listener
	serving sync.WaitGroup
	once    sync.Once
}

// spec is one demo provider: its fake and how the config names it.
type spec struct {
	name string
	fake fakes.Options
	cfg  config.Provider
}

// Keys of the simulated providers. They are not secrets, but the fakes
// check them so the probes' auth headers are exercised for real.
const (
	openAIKey    = "sk-demo-openai"
	azureKey     = "demo-azure-key"
	anthropicKey = "sk-ant-demo"
	// Model is the model name applications ask the demo gateway for.
	Model           = "gpt-4o-mini"
	azureAPIVersion = "2024-10-21"
	claudeModel     = "claude-haiku-4-5"
	ollamaModel     = "llama3.2:latest"
)

func specs() []spec {
	return []spec{
		{OpenAI, fakes.Options{Kind: config.KindOpenAI, APIKey: openAIKey, Models: []string{Model}},
			config.Provider{Kind: config.KindOpenAI, APIKey: openAIKey, Model: Model}},
		{Azure, fakes.Options{Kind: config.KindAzureOpenAI, APIKey: azureKey, Models: []string{Model},
			Deployment: Model, APIVersion: azureAPIVersion},
			config.Provider{Kind: config.KindAzureOpenAI, APIKey: azureKey, Deployment: Model,
				APIVersion: azureAPIVersion, Models: map[string]string{Model: Model}}},
		{Anthropic, fakes.Options{Kind: config.KindAnthropic, APIKey: anthropicKey, Models: []string{claudeModel}},
			config.Provider{Kind: config.KindAnthropic, APIKey: anthropicKey, Model: claudeModel,
				Models: map[string]string{Model: claudeModel}}},
		{Ollama, fakes.Options{Kind: config.KindOllama, Models: []string{ollamaModel}},
			config.Provider{Kind: config.KindOllama, Model: ollamaModel,
				Models: map[string]string{Model: ollamaModel}}},
	}
}

// Start serves every simulated provider. Close it to stop them.
func Start(opts Options) (*Demo, error) {
	d := &Demo{now: opts.Now, scale: opts.LatencyScale, done: make(chan struct{}),
		client: opts.Client, gateway: opts.GatewayListen, bases: map[string]string{}}
	if d.now == nil {
		d.now = time.Now
	}
	d.start = d.now()
	listen := opts.Listen
	if listen == nil {
		listen = func(string) (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }
	}
	if d.client == nil {
		d.client = loopbackClient()
	}
	if d.gateway == "" {
		d.gateway = freeOr(config.DefaultListen, "127.0.0.1:0")
	}
	for _, sp := range specs() {
		l, err := listen(sp.name)
		if err != nil {
			d.Close()
			return nil, fmt.Errorf("demo: listening for %s: %w", sp.name, err)
		}
		d.serve(sp, l)
	}
	return d, nil
}

func (d *Demo) serve(sp spec, l net.Listener) {
	srv := &http.Server{Handler: newSim(sp.name, sp.fake, d), ReadHeaderTimeout: 10 * time.Second}
	d.servers = append(d.servers, srv)
	d.bases[sp.name] = "http://" + l.Addr().String()
	d.serving.Go(func() { _ = srv.Serve(l) })
}

// Config returns a fresh config whose providers are the simulated ones, in
// priority order, with the policy defaults, a 2 s probe interval so the
// story is quick to see, and the gateway on.
func (d *Demo) Config() *config.Config {
	cfg := config.Default()
	cfg.Interval = config.Duration(2 * time.Second)
	// A 1 min cap keeps every cycle's failback visible: with the default 5 min
	// cap the doubled hold-down would outlast the 4 min story by the 4th cycle.
	cfg.Policy.HolddownMax = config.Duration(time.Minute)
	gw := config.DefaultGateway()
	gw.Listen = d.gateway
	cfg.Gateway = gw
	for _, sp := range specs() {
		p := sp.cfg
		p.Name = sp.name
		p.BaseURL = d.bases[sp.name]
		if sp.fake.Kind == config.KindOpenAI {
			p.BaseURL += "/v1"
		}
		cfg.Providers = append(cfg.Providers, p)
	}
	cfg.ApplyDefaults()
	return cfg
}

// Client returns the HTTP client that reaches the simulated providers.
func (d *Demo) Client() *http.Client { return d.client }

// Close stops every simulated provider, releases hung requests and returns
// once no demo goroutine is left.
func (d *Demo) Close() {
	d.once.Do(func() {
		close(d.done) // first, so hung and delayed handlers return
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, srv := range d.servers {
			if err := srv.Shutdown(ctx); err != nil {
				_ = srv.Close()
			}
		}
		d.serving.Wait()
	})
}

// freeOr returns addr when it can be listened on now, else fallback.
func freeOr(addr, fallback string) string {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fallback
	}
	if err := l.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		return fallback
	}
	return addr
}

// loopbackClient is a client for the demo's own servers: no proxy (a
// loopback request must never leave the machine) and bounded waits.
func loopbackClient() *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		ResponseHeaderTimeout: 20 * time.Second,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       30 * time.Second,
	}}
}
