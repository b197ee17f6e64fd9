package fakes

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// replyTokens is what every fake model answers, one token per element, so
// max_tokens of 1 yields one token and finish_reason "length".
var replyTokens = []string{"Hello", "!", " How", " can", " I", " help", " you", " today", "?"}

var ids atomic.Int64

func newID(prefix string) string { return fmt.Sprintf("%s%08d", prefix, ids.Add(1)) }

// reply returns the answer within limit tokens (0: no limit) and why it stopped.
func reply(limit int) ([]string, string) {
	if limit > 0 && limit < len(replyTokens) {
		return replyTokens[:limit], "length"
	}
	return replyTokens, "stop"
}

// resolver maps a request to the model it runs on, or the provider's error.
type resolver func(req *openAIRequest) (string, *apiError)

// openAIRoutes are the OpenAI endpoints under prefix, with the provider's
// own check of credentials and models.
func openAIRoutes(prefix string, auth func(*exchange) bool, resolve resolver) []route {
	guard := func(serve func(*exchange)) func(*exchange) {
		return func(x *exchange) {
			if auth(x) {
				serve(x)
			}
		}
	}
	return []route{
		{http.MethodGet, prefix + "/models", guard((*exchange).listOpenAIModels)},
		{http.MethodGet, prefix + "/models/{model}", guard((*exchange).getOpenAIModel)},
		{http.MethodPost, prefix + "/chat/completions", guard(func(x *exchange) { x.serveChat(resolve) })},
		{http.MethodPost, prefix + "/completions", guard(func(x *exchange) { x.serveCompletion(resolve) })},
		{http.MethodPost, prefix + "/embeddings", guard(func(x *exchange) { x.serveEmbedding(resolve) })},
	}
}

// pick returns the route of path from routes.
func pick(routes []route, path string) route {
	for _, rt := range routes {
		if rt.path == path {
			return rt
		}
	}
	panic("fakes: no route " + path)
}

// rules are the body rules of this kind's OpenAI-shaped endpoints. Azure
// classic names the deployment in the path, so the body needs no model.
func (x *exchange) rules(allowed map[string]bool, required ...string) bodyRules {
	return bodyRules{allowed: allowed, strict: refusesUnknownFields(x.h.opts.Kind),
		needModel: x.params["deployment"] == "", required: required}
}

// refusesUnknownFields tells whether kind's OpenAI-shaped endpoints answer
// an unknown body field with a 400. OpenAI, Azure and Gemini do.
// Self-hosted compatible servers vary, so their fakes tolerate extensions,
// and Anthropic's compatibility layer documents that it silently ignores
// most fields it does not support.
func refusesUnknownFields(kind string) bool {
	return kind != kindCompatible && kind != kindOllama && kind != kindAnthropic
}

// checkN refuses n other than 1 where the provider serves one choice only:
// Anthropic's compatibility layer documents that n "must be exactly 1".
// The wording of its message is not documented; status, type and param
// follow the fake's other 400s on that endpoint.
func (x *exchange) checkN(req *openAIRequest) bool {
	raw, ok := req.fields["n"]
	if x.h.opts.Kind != kindAnthropic || !ok || isNull(raw) {
		return true
	}
	var n float64
	if json.Unmarshal(raw, &n) == nil && n == 1 {
		return true
	}
	e := newError(http.StatusBadRequest, "Invalid 'n': only 1 is supported, got %s.", raw)
	e.param = "n"
	x.fail(e)
	return false
}

// openAIResolver serves the configured models and answers OpenAI's 404 for others.
func openAIResolver(h *Handler) resolver {
	return func(req *openAIRequest) (string, *apiError) {
		if m, ok := h.served(req.model); ok {
			return m, nil
		}
		e := newError(http.StatusNotFound, "The model `%s` does not exist or you do not have access to it.", req.model)
		e.code = "model_not_found"
		return "", &e
	}
}

// openAIAuth checks "Authorization: Bearer KEY" with OpenAI's 401 bodies.
// An openai-compatible fake without a key is an open self-hosted server.
func (x *exchange) openAIAuth() bool {
	if x.h.opts.APIKey == "" && x.h.opts.Kind == kindCompatible {
		return true
	}
	got, ok := x.bearer()
	switch {
	case !ok:
		x.fail(newError(http.StatusUnauthorized, "You didn't provide an API key. You need to provide your API key "+
			"in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."))
		return false
	case !x.h.keyOK(got):
		e := newError(http.StatusUnauthorized, "Incorrect API key provided: %s. You can find your API key at "+
			"https://platform.openai.com/account/api-keys.", maskKey(got))
		e.code = "invalid_api_key"
		x.fail(e)
		return false
	}
	return true
}

func (x *exchange) listOpenAIModels() {
	data := make([]any, 0, len(x.h.models))
	for _, m := range x.h.models {
		data = append(data, x.openAIModel(m))
	}
	x.writeJSON(map[string]any{"object": "list", "data": data})
}

func (x *exchange) getOpenAIModel() {
	m, ok := x.h.served(x.params["model"])
	if !ok {
		e := newError(http.StatusNotFound, "The model '%s' does not exist", x.params["model"])
		e.param, e.code = "model", "model_not_found"
		x.fail(e)
		return
	}
	x.writeJSON(x.openAIModel(m))
}

// openAIModel is one model object as this kind's OpenAI endpoint lists it.
func (x *exchange) openAIModel(id string) map[string]any {
	owner := "system"
	switch x.h.opts.Kind {
	case kindGemini:
		id, owner = "models/"+id, "google"
	case kindOllama:
		owner = "library"
	case kindAnthropic:
		owner = "anthropic"
	}
	return map[string]any{"id": id, "object": "model", "created": 1721172741, "owned_by": owner}
}

// chatFields are the top-level fields this endpoint's chat body may have:
// OpenAI's, and those the provider documents on top of them.
func (x *exchange) chatFields() map[string]bool {
	switch {
	case x.h.opts.Kind == kindGemini:
		return geminiChatParams
	case x.h.opts.Kind == kindAzure && x.params["deployment"] != "":
		return azureClassicChatParams
	}
	return chatParams
}

// serveChat answers POST .../chat/completions, streamed or not.
func (x *exchange) serveChat(resolve resolver) {
	req, ok := x.parseOpenAI(x.rules(x.chatFields(), "messages"))
	if !ok || !x.checkMessages(req) || !x.checkN(req) {
		return
	}
	model, e := resolve(req)
	if e != nil {
		x.fail(*e)
		return
	}
	toks, finish := reply(req.maxTokens)
	id, created := newID("chatcmpl-"), time.Now().Unix()
	if !req.stream {
		x.writeJSON(map[string]any{"id": id, "object": "chat.completion", "created": created, "model": model,
			"choices": []any{map[string]any{"index": 0, "logprobs": nil, "finish_reason": finish,
				"message": map[string]any{"role": "assistant", "content": strings.Join(toks, ""),
					"refusal": nil, "annotations": []any{}}}},
			"usage": usage(req.promptTokens(), len(toks)), "service_tier": "default", "system_fingerprint": "fp_fake"})
		return
	}
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{"id": id, "object": "chat.completion.chunk", "created": created, "model": model,
			"system_fingerprint": "fp_fake", "choices": []any{map[string]any{"index": 0, "delta": delta,
				"logprobs": nil, "finish_reason": finish}}}
	}
	s := x.startSSE()
	s.event("", chunk(map[string]any{"role": "assistant", "content": "", "refusal": nil}, nil))
	for _, t := range toks {
		s.event("", chunk(map[string]any{"content": t}, nil))
	}
	s.event("", chunk(map[string]any{}, finish))
	if req.includeUsage {
		s.event("", map[string]any{"id": id, "object": "chat.completion.chunk", "created": created, "model": model,
			"choices": []any{}, "usage": usage(req.promptTokens(), len(toks))})
	}
	s.event("", "[DONE]")
}

func usage(prompt, completion int) map[string]any {
	return map[string]any{"prompt_tokens": prompt, "completion_tokens": completion,
		"total_tokens": prompt + completion}
}
