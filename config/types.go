// Package config defines switchboard's YAML schema, its defaults, ${ENV}
// expansion and validation with file:line:col messages.
package config

import "time"

// Provider kinds understood by probes and the gateway.
const (
	KindOpenAI           = "openai"
	KindOpenAICompatible = "openai-compatible"
	KindAzureOpenAI      = "azure-openai"
	KindAnthropic        = "anthropic"
	KindGemini           = "gemini"
	KindOllama           = "ollama"
	KindHTTP             = "http"
)

// Probe styles: list models (cheap, default), a one-token chat, or a
// one-token streamed chat that also measures time to first token.
const (
	ProbeModels = "models"
	ProbeChat   = "chat"
	ProbeStream = "stream"
)

// Failback modes of the policy.
const (
	FailbackAuto   = "auto"
	FailbackManual = "manual"
)

// Duration is a time.Duration written in YAML as "10s", "1m30s", "250ms".
type Duration time.Duration

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// ByteSize is a size written in YAML as a plain number of bytes or with a
// unit: "512KiB", "10MiB", "1GiB", "10MB".
type ByteSize int64

// Config is a whole switchboard configuration after defaults and validation.
type Config struct {
	// Path is the file the config was read from ("" for the demo).
	Path string `yaml:"-"`

	Interval        Duration `yaml:"interval"`         // default 10s
	SuspectInterval Duration `yaml:"suspect_interval"` // default 1s
	Timeout         Duration `yaml:"timeout"`          // default 10s
	Window          Duration `yaml:"window"`           // default 5m
	StatusInterval  Duration `yaml:"status_interval"`  // default 60s
	// ShutdownTimeout is how long serve lets requests in flight (gateway
	// and API) finish after SIGTERM before it cuts them off. It is global,
	// not the gateway's or the API's, because one signal stops both.
	ShutdownTimeout Duration `yaml:"shutdown_timeout"` // default 30s
	// StateDir holds the state file (decisions, events, samples); "" is
	// $XDG_STATE_HOME/switchboard. --state-dir overrides it.
	StateDir string `yaml:"state_dir"`
	// EventRetention is how long the event history is kept (at most
	// MaxKeptEvents events whatever its age).
	EventRetention Duration `yaml:"event_retention"` // default 720h (30 days)

	Policy    Policy     `yaml:"policy"`
	Gateway   *Gateway   `yaml:"gateway"` // nil: gateway off
	API       *API       `yaml:"api"`     // nil: not written; serve uses DefaultAPI()
	Providers []Provider `yaml:"providers"`
	Notify    []Notify   `yaml:"notify"` // destinations of event notifications
	Fleet     *Fleet     `yaml:"fleet"`  // nil: one instance with local state

	// where is each value's position in the file, for At; nil when the
	// config was not parsed from a file.
	where positions
}

// Policy holds the health thresholds and the failover/failback rules.
type Policy struct {
	FailAfter         int      `yaml:"fail_after"`          // default 3
	RecoverAfter      int      `yaml:"recover_after"`       // default 2
	DegradedLatency   Duration `yaml:"degraded_latency"`    // default 2s (p95 over the window)
	DegradedErrorRate float64  `yaml:"degraded_error_rate"` // default 0.10 (fraction 0..1)
	Failback          string   `yaml:"failback"`            // auto (default) | manual
	Holddown          Duration `yaml:"holddown"`            // default 30s, doubled per ejection
	HolddownMax       Duration `yaml:"holddown_max"`        // default 5m
	DrainFor          Duration `yaml:"drain_for"`           // default 5m: how long force failover drains
	// RetryAfterMax is the longest a Retry-After keeps a provider out of
	// rotation: a 429's own Retry-After is capped at it, so a provider that
	// asks for a day (or a wrong clock) cannot take a route away for that
	// long. The operator can always end it sooner (probe now, re-enable, pin).
	RetryAfterMax Duration `yaml:"retry_after_max"` // default 60s
}

// Gateway configures the embedded OpenAI-compatible gateway.
type Gateway struct {
	Listen         string   `yaml:"listen"`           // default 127.0.0.1:8787
	Token          string   `yaml:"token"`            // required when Listen is not loopback
	MaxAttempts    int      `yaml:"max_attempts"`     // default 3
	MaxRequestBody ByteSize `yaml:"max_request_body"` // default 10MiB
	// MaxResponseBuffer is how much of a non-streamed answer is held back
	// so that one that breaks can still be retried; past it the answer is
	// passed on as it arrives and is no longer retried.
	MaxResponseBuffer ByteSize `yaml:"max_response_buffer"` // default 32MiB
	// MaxConcurrentRequests bounds the requests served at once, and with
	// the two sizes above the memory they may hold; more get a fast 503.
	MaxConcurrentRequests int     `yaml:"max_concurrent_requests"` // default 256
	RetryBudget           float64 `yaml:"retry_budget"`            // default 0.2: retries per request, over a window
	// UpstreamTimeout bounds one attempt from send to response headers
	// (non-streaming LLM calls send headers only when generation ends).
	UpstreamTimeout Duration `yaml:"upstream_timeout"` // default 120s
	// BodyTimeout bounds the client's side of a request: its whole body
	// must arrive within it, and a buffered answer it stops taking for
	// this long is cut, so a slow client cannot hold a slot for ever.
	BodyTimeout Duration `yaml:"body_timeout"` // default 30s
}

// Roles of API tokens.
const (
	RoleViewer   = "viewer"   // may read state, events and the stream
	RoleOperator = "operator" // may also send commands
)

// API configures the HTTP API that serve offers to attach, ctl and scripts.
type API struct {
	Listen string `yaml:"listen"` // default 127.0.0.1:8788
	// Tokens, when any, are required on every request but /healthz;
	// without them only local clients are served, and a non-loopback
	// Listen is refused.
	Tokens []APIToken `yaml:"tokens"`
}

// APIToken is one bearer token of the API and who holds it.
type APIToken struct {
	Name  string `yaml:"name"`  // the actor that events and logs name
	Token string `yaml:"token"` // the secret; never logged
	Role  string `yaml:"role"`  // viewer | operator
}

// Provider is one backend, in priority order (first = most preferred).
type Provider struct {
	Name       string `yaml:"name"`
	Kind       string `yaml:"kind"`
	BaseURL    string `yaml:"base_url"`
	APIKey     string `yaml:"api_key"`
	Probe      string `yaml:"probe"` // models (default) | chat | stream
	Model      string `yaml:"model"`
	Deployment string `yaml:"deployment"`  // azure-openai classic form
	APIVersion string `yaml:"api_version"` // azure-openai; "v1" selects the /openai/v1 form

	Interval        Duration `yaml:"interval"` // default: the global interval
	Timeout         Duration `yaml:"timeout"`  // default: the global timeout
	AdaptiveTimeout *bool    `yaml:"adaptive_timeout"`
	Enabled         *bool    `yaml:"enabled"`

	StatusPage      string `yaml:"status_page"`      // Atlassian Statuspage summary.json URL
	StatusComponent string `yaml:"status_component"` // component name to match
	// StatusPageAuthoritative lets a major/critical official status mark the
	// provider down even when its own probe passes. Off by default.
	StatusPageAuthoritative bool `yaml:"status_page_authoritative"`

	// Models maps a requested model name to this provider's model or
	// deployment for gateway traffic.
	Models map[string]string `yaml:"models"`

	HTTP *HTTPProbe `yaml:"http"` // kind http only
}

// HTTPProbe is the request of a generic `http` provider.
type HTTPProbe struct {
	Method       string            `yaml:"method"` // default GET
	URL          string            `yaml:"url"`    // default base_url
	Headers      map[string]string `yaml:"headers"`
	Body         string            `yaml:"body"`
	ExpectStatus int               `yaml:"expect_status"` // default 200
	ExpectBody   string            `yaml:"expect_body"`   // optional substring
}

// IsEnabled reports whether the provider starts enabled (default true).
func (p Provider) IsEnabled() bool { return p.Enabled == nil || *p.Enabled }

// UsesAdaptiveTimeout reports whether adaptive probe timeouts apply (default true).
func (p Provider) UsesAdaptiveTimeout() bool { return p.AdaptiveTimeout == nil || *p.AdaptiveTimeout }
