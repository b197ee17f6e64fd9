// Package fakes serves local fake AI providers that speak each provider's
// real HTTP API: the same methods, paths, query parameters, auth headers,
// JSON bodies, error bodies and SSE framing. A request the real API would
// reject is rejected with that provider's real status and error shape, so a
// test that builds a wrong request fails. Faults (5xx, 429, hangs, resets,
// broken bodies and streams, HTML or oversized answers) reproduce outages.
//
// It is used by probe tests, gateway tests and the demo, and imports only
// the standard library.
package fakes

import (
	"net/http"
	"strconv"
)

// Provider kinds, spelled as in config (this package imports stdlib only).
const (
	kindOpenAI     = "openai"
	kindCompatible = "openai-compatible"
	kindAzure      = "azure-openai"
	kindAnthropic  = "anthropic"
	kindGemini     = "gemini"
	kindOllama     = "ollama"
)

// Options choose which provider a fake imitates and what it accepts.
type Options struct {
	// Kind is a provider kind: openai, openai-compatible, azure-openai,
	// anthropic, gemini or ollama.
	Kind string
	// APIKey is the only key accepted; "" accepts any non-empty key in the
	// kind's auth header. Ollama never checks keys, and an openai-compatible
	// fake with no key accepts requests without one, like a bare vLLM.
	APIKey string
	// Models are the models served (default {"gpt-4o-mini"}). For Azure they
	// are also deployment names.
	Models []string
	// Deployment is an Azure deployment name, served besides Models.
	Deployment string
	// APIVersion is the only api-version an Azure classic fake accepts;
	// "" accepts any dated version (YYYY-MM-DD or YYYY-MM-DD-preview).
	APIVersion string
}

// Request is one request as the fake received it, for assertions.
type Request struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
}

// FaultKind selects how a fake misbehaves.
type FaultKind int

// Faults apply to every endpoint of the fake until cleared with FaultNone.
const (
	FaultNone        FaultKind = iota
	FaultStatus                // Fault.Status (default 503) with the provider's error body
	FaultRateLimit             // 429 with the provider's body and Fault.RetryAfter
	FaultHang                  // no response until the client gives up or the server closes
	FaultReset                 // the connection is reset before any response byte
	FaultRefuse                // a Server stops listening: connects are refused (a bare Handler resets)
	FaultHTML200               // 200 text/html error page, as a broken proxy sends
	FaultHuge                  // 200 with a well-formed 10 MiB JSON body
	FaultBreakBody             // headers and full Content-Length, half the body, then a reset
	FaultBreakStream           // stream requests: Fault.After events, then a reset
	FaultBadJSON               // 200 application/json that is not the provider's shape
)

var faultNames = [...]string{"none", "status", "rate-limit", "hang", "reset", "refuse",
	"html-200", "huge", "break-body", "break-stream", "bad-json"}

// String names the fault for test and log output.
func (k FaultKind) String() string {
	if k >= 0 && int(k) < len(faultNames) {
		return faultNames[k]
	}
	return "fault(" + strconv.Itoa(int(k)) + ")"
}

// Fault is how a fake misbehaves; the zero value behaves normally.
type Fault struct {
	Kind FaultKind
	// Status is the HTTP status of FaultStatus (default 503).
	Status int
	// RetryAfter is FaultRateLimit's Retry-After header: seconds ("2") or an
	// HTTP-date; "" sends no header.
	RetryAfter string
	// After is how many SSE events FaultBreakStream sends before the reset.
	After int
}

// HugeSize is the body size of FaultHuge.
const HugeSize = 10 << 20
