package probes

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"switchboard/config"
)

// streamKind is the SSE dialect of a streamed probe.
type streamKind int

const (
	noStream        streamKind = iota
	openAIStream               // data: {chunk} … data: [DONE]
	anthropicStream            // event: … data: {"type":…} … message_stop
	// openAILooseStream is openAIStream from a layer that may end without
	// [DONE] (see MayEndWithoutDone): a finished chunk ends it too.
	openAILooseStream
)

// plan is one probe request and how to judge a 2xx answer to it.
type plan struct {
	method, url string
	header      http.Header
	body        []byte
	stream      streamKind
	check       func(body []byte) error // non-stream 2xx bodies
	// spends marks a request that generates (a chat or a stream): it is
	// billed by the token, which Result.Tokens counts.
	spends bool
}

// chatRequest is the one-token chat every chat and stream probe sends.
type chatRequest struct {
	Model               string        `json:"model,omitempty"`
	Messages            []chatMessage `json:"messages"`
	MaxCompletionTokens int           `json:"max_completion_tokens,omitempty"`
	MaxTokens           int           `json:"max_tokens,omitempty"`
	Stream              bool          `json:"stream,omitempty"`
	StreamOptions       *streamOpts   `json:"stream_options,omitempty"`
}

// streamOpts asks for a final chunk with the stream's usage.
type streamOpts struct {
	IncludeUsage bool `json:"include_usage"`
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// tokens says which field limits the answer to one token.
type tokens int

const (
	maxCompletionTokens tokens = iota // OpenAI's current name
	maxTokens                         // the older name every compatible server knows
)

func chat(model string, limit tokens, stream bool) []byte {
	return chatWith(model, limit, stream, false)
}

// chatWith is chat, asking a stream for its usage when usage is set.
func chatWith(model string, limit tokens, stream, usage bool) []byte {
	req := chatRequest{Model: model, Messages: []chatMessage{{Role: "user", Content: "ping"}}, Stream: stream}
	if stream && usage {
		req.StreamOptions = &streamOpts{IncludeUsage: true}
	}
	if limit == maxCompletionTokens {
		req.MaxCompletionTokens = 1
	} else {
		req.MaxTokens = 1
	}
	b, _ := json.Marshal(req)
	return b
}

// newPlan builds the request for p's kind and probe style. p has config's
// defaults applied (a trimmed base URL, a probe style, a whole http
// request); one without them is refused, see unresolved.
func newPlan(p config.Provider) (*plan, error) {
	if err := unresolved(p); err != nil {
		return nil, err
	}
	base, style := p.BaseURL, p.Probe
	switch p.Kind {
	case config.KindOpenAI:
		return openAIPlan(base, p, style, maxCompletionTokens), nil
	case config.KindOpenAICompatible:
		// vLLM, llama.cpp, LM Studio and older servers reject or ignore
		// max_completion_tokens; all of them honour max_tokens.
		return openAIPlan(base, p, style, maxTokens), nil
	case config.KindAzureOpenAI:
		return azurePlan(base, p, style), nil
	case config.KindAnthropic:
		return anthropicPlan(base, p, style), nil
	case config.KindGemini:
		return geminiPlan(base, p, style), nil
	case config.KindOllama:
		return ollamaPlan(base, p, style), nil
	case config.KindHTTP:
		return httpPlan(p)
	}
	return nil, fmt.Errorf("unknown provider kind %q", p.Kind)
}

func bearer(key string) http.Header {
	h := http.Header{}
	if key != "" {
		h.Set("Authorization", "Bearer "+key)
	}
	return h
}

// chatPlan is a POST of a one-token chat to an OpenAI-shaped endpoint.
func chatPlan(u string, h http.Header, model string, limit tokens, stream bool) *plan {
	h.Set("Content-Type", "application/json")
	pl := &plan{method: http.MethodPost, url: u, header: h, body: chat(model, limit, stream), check: checkChat, spends: true}
	if stream {
		pl.stream, pl.check = openAIStream, nil
	}
	return pl
}

func openAIPlan(base string, p config.Provider, style string, limit tokens) *plan {
	if style == config.ProbeModels {
		return &plan{method: http.MethodGet, url: base + "/models", header: bearer(p.APIKey), check: checkDataList}
	}
	pl := chatPlan(base+"/chat/completions", bearer(p.APIKey), p.Model, limit, style == config.ProbeStream)
	if p.Kind == config.KindOpenAI && pl.stream != noStream {
		// OpenAI reports a stream's usage only when asked, in a last
		// chunk. Other layers are not asked: support varies, and some
		// refuse the field (Azure before api-version 2024-09-01), which
		// would fail a probe over its bookkeeping; their streams count
		// what they report, else one token.
		pl.body = chatWith(p.Model, limit, true, true)
	}
	return pl
}

func azurePlan(base string, p config.Provider, style string) *plan {
	h := http.Header{}
	h.Set("api-key", p.APIKey)
	if p.APIVersion == "v1" {
		if style == config.ProbeModels {
			return &plan{method: http.MethodGet, url: base + "/openai/v1/models", header: h, check: checkDataList}
		}
		model := p.Deployment
		if model == "" {
			model = p.Model
		}
		return chatPlan(base+"/openai/v1/chat/completions", h, model, maxCompletionTokens, style == config.ProbeStream)
	}
	version := "?api-version=" + url.QueryEscape(p.APIVersion)
	if style == config.ProbeModels {
		return &plan{method: http.MethodGet, url: base + "/openai/models" + version, header: h, check: checkDataList}
	}
	// api-versions before 2024-09-01 reject max_completion_tokens as unknown.
	limit := maxCompletionTokens
	if len(p.APIVersion) >= 10 && p.APIVersion[:10] < "2024-09-01" {
		limit = maxTokens
	}
	u := base + "/openai/deployments/" + url.PathEscape(p.Deployment) + "/chat/completions" + version
	return chatPlan(u, h, "", limit, style == config.ProbeStream)
}

func anthropicPlan(base string, p config.Provider, style string) *plan {
	h := http.Header{}
	h.Set("x-api-key", p.APIKey)
	h.Set("anthropic-version", "2023-06-01")
	if style == config.ProbeModels {
		return &plan{method: http.MethodGet, url: base + "/v1/models?limit=1", header: h, check: checkDataList}
	}
	stream := style == config.ProbeStream
	h.Set("Content-Type", "application/json")
	pl := &plan{method: http.MethodPost, url: base + "/v1/messages", header: h,
		body: chat(p.Model, maxTokens, stream), check: checkMessage, spends: true}
	if stream {
		pl.stream, pl.check = anthropicStream, nil
	}
	return pl
}

func geminiPlan(base string, p config.Provider, style string) *plan {
	if style == config.ProbeModels {
		h := http.Header{}
		h.Set("x-goog-api-key", p.APIKey) // a header, so the key is never in a URL
		return &plan{method: http.MethodGet, url: base + "/v1beta/models?pageSize=1", header: h, check: checkGeminiModels}
	}
	pl := chatPlan(base+"/v1beta/openai/chat/completions", bearer(p.APIKey), p.Model, maxTokens,
		style == config.ProbeStream)
	if pl.stream == openAIStream && MayEndWithoutDone(p.Kind) {
		pl.stream = openAILooseStream
	}
	return pl
}

func ollamaPlan(base string, p config.Provider, style string) *plan {
	switch {
	case style == config.ProbeStream:
		return chatPlan(base+"/v1/chat/completions", http.Header{}, p.Model, maxTokens, true)
	case style == config.ProbeChat || p.Model != "":
		// Listing installed models is cheap; a chat would load the model.
		return &plan{method: http.MethodGet, url: base + "/api/tags", check: checkInstalled(p.Model)}
	}
	return &plan{method: http.MethodGet, url: base + "/api/version", check: checkOllamaVersion}
}

// httpPlan is an http provider's own request, exactly as config resolved it.
func httpPlan(p config.Provider) (*plan, error) {
	hp := p.HTTP
	h := http.Header{}
	for k, v := range hp.Headers {
		h.Set(k, v)
	}
	return &plan{method: hp.Method, url: hp.URL, header: h, body: []byte(hp.Body)}, nil
}

func setDefault(h http.Header, k, v string) {
	if h.Get(k) == "" {
		h.Set(k, v)
	}
}

func cmpOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// request makes the plan an *http.Request bound to ctx.
func (pl *plan) request(ctx context.Context) (*http.Request, error) {
	var body io.Reader
	if len(pl.body) > 0 {
		body = bytes.NewReader(pl.body)
	}
	req, err := http.NewRequestWithContext(ctx, pl.method, pl.url, body)
	if err != nil {
		return nil, err
	}
	for k, v := range pl.header {
		req.Header[k] = v
	}
	// An http probe's own headers win over these defaults.
	accept := "application/json"
	if pl.stream != noStream {
		accept = "text/event-stream"
	}
	setDefault(req.Header, "Accept", accept)
	setDefault(req.Header, "User-Agent", "switchboard-probe/1")
	return req, nil
}
