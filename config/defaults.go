package config

import (
	"strings"
	"time"
)

// Global and policy defaults; config.example.yaml says what each is for.
const (
	DefaultInterval        = Duration(10 * time.Second)
	DefaultSuspectInterval = Duration(time.Second)
	DefaultTimeout         = Duration(10 * time.Second)
	DefaultWindow          = Duration(5 * time.Minute)
	DefaultStatusInterval  = Duration(60 * time.Second)
	DefaultShutdownTimeout = Duration(30 * time.Second)
	DefaultEventRetention  = Duration(30 * 24 * time.Hour)
	// MaxKeptEvents bounds the event history whatever event_retention says.
	MaxKeptEvents            = 100000
	DefaultFailAfter         = 3
	DefaultRecoverAfter      = 2
	DefaultDegradedLatency   = Duration(2 * time.Second)
	DefaultDegradedErrorRate = 0.10
	DefaultHolddown          = Duration(30 * time.Second)
	DefaultHolddownMax       = Duration(5 * time.Minute)
	DefaultDrainFor          = Duration(5 * time.Minute)
	DefaultRetryAfterMax     = Duration(60 * time.Second)
)

// Gateway defaults.
const (
	DefaultListen            = "127.0.0.1:8787"
	DefaultMaxAttempts       = 3
	DefaultMaxRequestBody    = ByteSize(10 << 20)
	DefaultMaxResponseBuffer = ByteSize(32 << 20)
	// DefaultMaxConcurrentRequests is Envoy's default circuit breaker for
	// requests to a cluster. It must hold every request that waits on a
	// provider that hangs until the monitor notices (seconds): at 100 req/s
	// about 450 of them (BENCHMARKS.md, the scripted outage).
	DefaultMaxConcurrentRequests = 1024
	DefaultRetryBudget           = 0.2
	DefaultUpstreamTimeout       = Duration(120 * time.Second)
	DefaultBodyTimeout           = Duration(30 * time.Second)
)

// DefaultAPIListen is the API's address when api.listen is not written:
// loopback, next to the gateway's port.
const DefaultAPIListen = "127.0.0.1:8788"

// DefaultBaseURL is the public endpoint used when a provider of a
// well-known kind has no base_url; "" for kinds that must name their
// endpoint (azure-openai, openai-compatible, http).
func DefaultBaseURL(kind string) string {
	switch kind {
	case KindOpenAI:
		return "https://api.openai.com/v1"
	case KindAnthropic:
		return "https://api.anthropic.com"
	case KindGemini:
		return "https://generativelanguage.googleapis.com"
	case KindOllama:
		return "http://localhost:11434"
	}
	return ""
}

// Default returns a Config with every global and policy default set, no
// gateway and no providers (the demo fills those in).
func Default() *Config {
	c := &Config{}
	c.ApplyDefaults()
	return c
}

// DefaultGateway returns a gateway section with every default set, for
// callers that turn the gateway on without a config section.
func DefaultGateway() *Gateway {
	g := &Gateway{}
	g.applyDefaults()
	return g
}

// DefaultAPI returns an API section with every default set, for serve
// when the file has no api section: loopback, no tokens.
func DefaultAPI() *API {
	a := &API{}
	a.applyDefaults()
	return a
}

// ApplyDefaults fills every zero field with its default: globals, policy,
// the gateway and the API when present, and per provider the interval and timeout (the
// global ones), the probe style, the base URL of well-known kinds and the
// request of an http provider. It is the one place defaults are decided:
// probes and the rest trust a Config that went through it.
func (c *Config) ApplyDefaults() {
	setDur(&c.Interval, DefaultInterval)
	setDur(&c.SuspectInterval, DefaultSuspectInterval)
	setDur(&c.Timeout, DefaultTimeout)
	setDur(&c.Window, DefaultWindow)
	setDur(&c.StatusInterval, DefaultStatusInterval)
	setDur(&c.ShutdownTimeout, DefaultShutdownTimeout)
	setDur(&c.EventRetention, DefaultEventRetention)
	c.Policy.applyDefaults()
	if c.Gateway != nil {
		c.Gateway.applyDefaults()
	}
	if c.API != nil {
		c.API.applyDefaults()
	}
	applyNotifyDefaults(c.Notify)
	if c.Fleet != nil {
		listen := DefaultAPIListen
		if c.API != nil {
			listen = c.API.Listen
		}
		c.Fleet.applyDefaults(listen)
	}
	for i := range c.Providers {
		p := &c.Providers[i]
		// A provider carries the values it runs with, so that one handed
		// to probes alone (a check, a status page) still has its deadline.
		setDur(&p.Interval, c.Interval)
		setDur(&p.Timeout, c.Timeout)
		p.applyDefaults()
	}
}

func (p *Policy) applyDefaults() {
	setInt(&p.FailAfter, DefaultFailAfter)
	setInt(&p.RecoverAfter, DefaultRecoverAfter)
	setDur(&p.DegradedLatency, DefaultDegradedLatency)
	if p.DegradedErrorRate == 0 {
		p.DegradedErrorRate = DefaultDegradedErrorRate
	}
	if p.Failback == "" {
		p.Failback = FailbackAuto
	}
	setDur(&p.Holddown, DefaultHolddown)
	setDur(&p.HolddownMax, DefaultHolddownMax)
	setDur(&p.DrainFor, DefaultDrainFor)
	setDur(&p.RetryAfterMax, DefaultRetryAfterMax)
}

func (g *Gateway) applyDefaults() {
	if g.Listen == "" {
		g.Listen = DefaultListen
	}
	setInt(&g.MaxAttempts, DefaultMaxAttempts)
	setSize(&g.MaxRequestBody, DefaultMaxRequestBody)
	setSize(&g.MaxResponseBuffer, DefaultMaxResponseBuffer)
	setInt(&g.MaxConcurrentRequests, DefaultMaxConcurrentRequests)
	if g.RetryBudget == 0 {
		g.RetryBudget = DefaultRetryBudget
	}
	setDur(&g.UpstreamTimeout, DefaultUpstreamTimeout)
	setDur(&g.BodyTimeout, DefaultBodyTimeout)
}

func (a *API) applyDefaults() {
	if a.Listen == "" {
		a.Listen = DefaultAPIListen
	}
}

func (p *Provider) applyDefaults() {
	if p.Probe == "" {
		p.Probe = ProbeModels
	}
	if p.BaseURL == "" {
		p.BaseURL = DefaultBaseURL(p.Kind)
	}
	// Probes and the gateway append paths such as "/models"; a trailing
	// slash (common in copied Azure endpoints) would double it.
	p.BaseURL = strings.TrimRight(p.BaseURL, "/")
	if p.Kind != KindHTTP {
		return
	}
	if p.HTTP == nil {
		p.HTTP = &HTTPProbe{}
	}
	// HTTP methods are case-sensitive and servers know them in upper case;
	// "get" in a config means GET.
	p.HTTP.Method = strings.ToUpper(p.HTTP.Method)
	if p.HTTP.Method == "" {
		p.HTTP.Method = "GET"
	}
	if p.HTTP.URL == "" {
		p.HTTP.URL = p.BaseURL
	}
	if p.HTTP.ExpectStatus == 0 {
		p.HTTP.ExpectStatus = 200
	}
}

func setDur(d *Duration, def Duration) {
	if *d == 0 {
		*d = def
	}
}

func setSize(n *ByteSize, def ByteSize) {
	if *n == 0 {
		*n = def
	}
}

func setInt(n *int, def int) {
	if *n == 0 {
		*n = def
	}
}
