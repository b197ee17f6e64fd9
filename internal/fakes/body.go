package fakes

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
)

// Top-level fields of the OpenAI requests (openai-openapi.yaml:
// CreateChatCompletionRequest with ModelResponseProperties,
// CreateCompletionRequest, CreateEmbeddingRequest). OpenAI rejects others.
var (
	chatParams = set("messages", "model", "service_tier", "modalities", "verbosity", "reasoning_effort",
		"max_completion_tokens", "frequency_penalty", "presence_penalty", "web_search_options", "top_logprobs",
		"response_format", "audio", "store", "moderation", "stream", "stop", "logit_bias", "logprobs",
		"max_tokens", "n", "prediction", "seed", "stream_options", "tools", "tool_choice", "parallel_tool_calls",
		"function_call", "functions", "metadata", "temperature", "top_p", "user", "safety_identifier",
		"prompt_cache_key", "prompt_cache_retention", "prompt_cache_options")
	completionParams = set("model", "prompt", "best_of", "echo", "frequency_penalty", "logit_bias", "logprobs",
		"max_tokens", "n", "presence_penalty", "seed", "stop", "stream", "stream_options", "suffix",
		"temperature", "top_p", "user")
	embeddingParams = set("input", "model", "encoding_format", "dimensions", "user")
	chatRoles       = []string{"system", "developer", "user", "assistant", "tool", "function"}
)

// Chat fields that other providers document on top of OpenAI's.
var (
	// Gemini's OpenAI endpoint refuses unknown fields ("Unknown name ...:
	// Cannot find field") but documents extra_body, which carries its own
	// settings such as {"google":{"thinking_config":{...}}}.
	geminiChatParams = with(chatParams, "extra_body")
	// Azure On Your Data documents data_sources in the classic chat body.
	azureClassicChatParams = with(chatParams, "data_sources")
)

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// with is a copy of base with names added.
func with(base map[string]bool, names ...string) map[string]bool {
	m := set(names...)
	for k := range base {
		m[k] = true
	}
	return m
}

// openAIRequest is a checked OpenAI-shaped request body.
type openAIRequest struct {
	fields       map[string]json.RawMessage
	model        string
	maxTokens    int // 0: no limit asked
	stream       bool
	includeUsage bool
}

// bodyRules say what one endpoint accepts.
type bodyRules struct {
	allowed   map[string]bool
	strict    bool     // unknown fields are an error (OpenAI, Azure, Gemini)
	needModel bool     // Azure classic names the deployment in the path instead
	required  []string // besides model
}

// parseOpenAI checks the body as OpenAI does. When it returns false the
// error has been sent.
func (x *exchange) parseOpenAI(rules bodyRules) (*openAIRequest, bool) {
	bad := func(param, code, format string, args ...any) (*openAIRequest, bool) {
		e := newError(http.StatusBadRequest, format, args...)
		e.param, e.code = param, code
		x.fail(e)
		return nil, false
	}
	if !x.jsonContent() {
		return bad("", "", "Invalid Content-Type header (%s), expected application/json.", x.r.Header.Get("Content-Type"))
	}
	req := &openAIRequest{}
	if json.Unmarshal(x.body, &req.fields) != nil || req.fields == nil {
		return bad("", "", "We could not parse the JSON body of your request. (HINT: This likely means you aren't using "+
			"your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)")
	}
	if rules.strict {
		for _, k := range sortedKeys(req.fields) {
			if !rules.allowed[k] {
				return bad("", "", "Unrecognized request argument supplied: %s", k)
			}
		}
	}
	if raw, ok := req.fields["model"]; ok || rules.needModel {
		if json.Unmarshal(raw, &req.model) != nil || req.model == "" {
			return bad("model", "", "you must provide a model parameter")
		}
	}
	for _, k := range rules.required {
		if raw, ok := req.fields[k]; !ok || isNull(raw) {
			return bad(k, "missing_required_parameter", "Missing required parameter: '%s'.", k)
		}
	}
	if raw, ok := req.fields["stream"]; ok && !isNull(raw) && json.Unmarshal(raw, &req.stream) != nil {
		return bad("stream", "invalid_type", "Invalid type for 'stream': expected a boolean.")
	}
	if raw, ok := req.fields["stream_options"]; ok && !isNull(raw) {
		if !req.stream {
			return bad("stream_options", "invalid_value", "The 'stream_options' parameter is only allowed when 'stream' is enabled.")
		}
		var so struct {
			IncludeUsage bool `json:"include_usage"`
		}
		_ = json.Unmarshal(raw, &so)
		req.includeUsage = so.IncludeUsage
	}
	for _, k := range []string{"max_completion_tokens", "max_tokens"} {
		raw, ok := req.fields[k]
		if !ok || isNull(raw) {
			continue
		}
		var n int
		if json.Unmarshal(raw, &n) != nil {
			return bad(k, "invalid_type", "Invalid type for '%s': expected an integer.", k)
		}
		if n < 1 {
			return bad(k, "integer_below_min_value",
				"Invalid '%s': integer below minimum value. Expected a value >= 1, but got %d instead.", k, n)
		}
		req.maxTokens = n
	}
	return req, true
}

// checkMessages validates a chat request's messages array.
func (x *exchange) checkMessages(req *openAIRequest) bool {
	var msgs []map[string]json.RawMessage
	if json.Unmarshal(req.fields["messages"], &msgs) != nil {
		e := newError(http.StatusBadRequest, "Invalid type for 'messages': expected an array of objects.")
		e.param, e.code = "messages", "invalid_type"
		x.fail(e)
		return false
	}
	if len(msgs) == 0 {
		e := newError(http.StatusBadRequest,
			"Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.")
		e.param, e.code = "messages", "empty_array"
		x.fail(e)
		return false
	}
	for i, m := range msgs {
		var role string
		_ = json.Unmarshal(m["role"], &role)
		if !slices.Contains(chatRoles, role) {
			e := newError(http.StatusBadRequest, "Invalid value: '%s'. Supported values are: 'system', 'assistant', "+
				"'user', 'function', 'tool', and 'developer'.", role)
			e.param, e.code = "messages["+strconv.Itoa(i)+"].role", "invalid_value"
			x.fail(e)
			return false
		}
		if _, ok := m["content"]; !ok && role != "assistant" {
			e := newError(http.StatusBadRequest, "Missing required parameter: 'messages[%d].content'.", i)
			e.param, e.code = "messages["+strconv.Itoa(i)+"].content", "missing_required_parameter"
			x.fail(e)
			return false
		}
	}
	return true
}

// promptTokens is a rough token count of the request, for usage fields.
func (req *openAIRequest) promptTokens() int {
	n := 0
	for _, k := range []string{"messages", "prompt", "input"} {
		n += len(bytes.Fields(req.fields[k]))
	}
	return max(n, 1)
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
