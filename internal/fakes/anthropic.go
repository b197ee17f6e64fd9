package fakes

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// anthropicVersions are the anthropic-version header values the API knows;
// 2026-10-21 is the one the SDK majors released that day send by default.
var anthropicVersions = []string{"2026-10-21", "2023-06-01", "2023-01-01"}

// removedIn are the Messages fields an anthropic-version dropped: the API
// refuses them under that version as it refuses any unknown field, even
// at their default values.
var removedIn = map[string]map[string]bool{"2026-10-21": set("temperature", "top_p", "top_k")}

// messagesParams are the top-level fields of POST /v1/messages; the API
// rejects others as "Extra inputs are not permitted".
var messagesParams = set("model", "messages", "max_tokens", "system", "metadata", "stop_sequences", "stream",
	"temperature", "top_p", "top_k", "tools", "tool_choice", "thinking", "service_tier", "container",
	"mcp_servers", "context_management")

func anthropicRoutes(h *Handler) []route {
	native := func(serve func(*exchange)) func(*exchange) {
		return func(x *exchange) {
			if x.anthropicAuth() {
				serve(x)
			}
		}
	}
	// The OpenAI SDK compatibility layer sends the key as a bearer token.
	compat := openAIRoutes("/v1", (*exchange).anthropicCompatAuth, openAIResolver(h))
	return []route{
		{http.MethodGet, "/v1/models", native((*exchange).listAnthropicModels)},
		{http.MethodGet, "/v1/models/{model}", native((*exchange).getAnthropicModel)},
		{http.MethodPost, "/v1/messages", native((*exchange).serveMessages)},
		pick(compat, "/v1/chat/completions"),
	}
}

func (x *exchange) anthropicAuth() bool {
	key := x.r.Header.Get("x-api-key")
	switch {
	case key == "":
		x.fail(newError(http.StatusUnauthorized, "x-api-key header is required"))
	case !x.h.keyOK(key):
		x.fail(newError(http.StatusUnauthorized, "invalid x-api-key"))
	case x.r.Header.Get("anthropic-version") == "":
		x.fail(newError(http.StatusBadRequest, "anthropic-version: header is required"))
	case !slices.Contains(anthropicVersions, x.r.Header.Get("anthropic-version")):
		x.fail(newError(http.StatusBadRequest, "anthropic-version: invalid version %q", x.r.Header.Get("anthropic-version")))
	default:
		return true
	}
	return false
}

func (x *exchange) anthropicCompatAuth() bool {
	key, ok := x.bearer()
	if !ok {
		key = x.r.Header.Get("x-api-key")
	}
	if !x.h.keyOK(key) {
		e := newError(http.StatusUnauthorized, "invalid x-api-key")
		e.typ = "authentication_error"
		x.fail(e)
		return false
	}
	return true
}

func anthropicModel(id string) map[string]any {
	return map[string]any{"type": "model", "id": id, "display_name": id, "created_at": "2024-10-22T00:00:00Z"}
}

func (x *exchange) listAnthropicModels() {
	limit := 20
	if v := x.r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			x.fail(newError(http.StatusBadRequest, "limit: Input should be greater than or equal to 1 and less than or equal to 1000"))
			return
		}
		limit = n
	}
	page := x.h.models[:min(limit, len(x.h.models))]
	data := make([]any, 0, len(page))
	for _, m := range page {
		data = append(data, anthropicModel(m))
	}
	body := map[string]any{"data": data, "has_more": len(x.h.models) > limit, "first_id": nil, "last_id": nil}
	if len(page) > 0 {
		body["first_id"], body["last_id"] = page[0], page[len(page)-1]
	}
	x.writeJSON(body)
}

func (x *exchange) getAnthropicModel() {
	m, ok := x.h.served(x.params["model"])
	if !ok {
		x.fail(newError(http.StatusNotFound, "model: %s", x.params["model"]))
		return
	}
	x.writeJSON(anthropicModel(m))
}

// messagesRequest is the part of a Messages request the fake checks.
type messagesRequest struct {
	Model     string            `json:"model"`
	MaxTokens *int              `json:"max_tokens"`
	Messages  []json.RawMessage `json:"messages"`
	Stream    bool              `json:"stream"`
}

// parseMessages checks the body as the Messages API does; false: answered.
func (x *exchange) parseMessages() (*messagesRequest, int, bool) {
	bad := func(format string, args ...any) (*messagesRequest, int, bool) {
		x.fail(newError(http.StatusBadRequest, format, args...))
		return nil, 0, false
	}
	var fields map[string]json.RawMessage
	if !x.jsonContent() || json.Unmarshal(x.body, &fields) != nil || fields == nil {
		return bad("There was an error parsing the body of your request.")
	}
	removed := removedIn[x.r.Header.Get("anthropic-version")]
	for _, k := range sortedKeys(fields) {
		if !messagesParams[k] || removed[k] {
			return bad("%s: Extra inputs are not permitted", k)
		}
	}
	for _, k := range []string{"model", "max_tokens", "messages"} {
		if _, ok := fields[k]; !ok {
			return bad("%s: Field required", k)
		}
	}
	var req messagesRequest
	if err := json.Unmarshal(x.body, &req); err != nil || req.MaxTokens == nil {
		return bad("There was an error parsing the body of your request: %v", err)
	}
	if *req.MaxTokens < 1 {
		return bad("max_tokens: Input should be greater than or equal to 1")
	}
	if len(req.Messages) == 0 {
		return bad("messages: at least one message is required")
	}
	for i, raw := range req.Messages {
		var m struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		}
		_ = json.Unmarshal(raw, &m)
		if m.Role != "user" && m.Role != "assistant" {
			return bad("messages.%d.role: Input should be 'user' or 'assistant'", i)
		}
		if len(m.Content) == 0 || isNull(m.Content) || string(m.Content) == `""` {
			return bad("messages.%d.content: Field required", i)
		}
	}
	return &req, len(strings.Fields(string(fields["messages"]))), true
}

func (x *exchange) serveMessages() {
	req, prompt, ok := x.parseMessages()
	if !ok {
		return
	}
	model, ok := x.h.served(req.Model)
	if !ok {
		x.fail(newError(http.StatusNotFound, "model: %s", req.Model))
		return
	}
	toks, finish := reply(*req.MaxTokens)
	stop := map[string]string{"length": "max_tokens", "stop": "end_turn"}[finish]
	id := newID("msg_fake")
	if !req.Stream {
		x.writeJSON(map[string]any{"id": id, "type": "message", "role": "assistant", "model": model,
			"content":     []any{map[string]any{"type": "text", "text": strings.Join(toks, "")}},
			"stop_reason": stop, "stop_sequence": nil,
			"usage": map[string]int{"input_tokens": prompt, "output_tokens": len(toks)}})
		return
	}
	s := x.startSSE()
	s.event("message_start", map[string]any{"type": "message_start", "message": map[string]any{
		"id": id, "type": "message", "role": "assistant", "model": model, "content": []any{},
		"stop_reason": nil, "stop_sequence": nil, "usage": map[string]int{"input_tokens": prompt, "output_tokens": 1}}})
	s.event("content_block_start", map[string]any{"type": "content_block_start", "index": 0,
		"content_block": map[string]string{"type": "text", "text": ""}})
	s.event("ping", map[string]string{"type": "ping"})
	for _, t := range toks {
		s.event("content_block_delta", map[string]any{"type": "content_block_delta", "index": 0,
			"delta": map[string]string{"type": "text_delta", "text": t}})
	}
	s.event("content_block_stop", map[string]any{"type": "content_block_stop", "index": 0})
	s.event("message_delta", map[string]any{"type": "message_delta",
		"delta": map[string]any{"stop_reason": stop, "stop_sequence": nil},
		"usage": map[string]int{"output_tokens": len(toks)}})
	s.event("message_stop", map[string]string{"type": "message_stop"})
}
