package fakes

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// style is the error body dialect of one endpoint: a provider's
// OpenAI-compatible endpoints answer in a different shape than its own.
type style int

const (
	styleOpenAI       style = iota // {"error":{"message","type","param","code"}}
	styleAzure                     // {"error":{"code","message"}}
	styleAnthropic                 // {"type":"error","error":{"type","message"}}
	styleGemini                    // {"error":{"code","message","status"}}
	styleGeminiCompat              // the Gemini shape wrapped in a list: [{"error":{...}}]
	styleOllama                    // {"error":"..."}
)

// styleFor picks the dialect of the endpoint a request went to.
func styleFor(kind, path string) style {
	switch kind {
	case kindAzure:
		return styleAzure
	case kindAnthropic:
		if path == "/v1/chat/completions" {
			return styleOpenAI
		}
		return styleAnthropic
	case kindGemini:
		if strings.HasPrefix(path, "/v1beta/openai/") {
			return styleGeminiCompat
		}
		return styleGemini
	case kindOllama:
		if strings.HasPrefix(path, "/v1/") {
			return styleOpenAI
		}
		return styleOllama
	}
	return styleOpenAI
}

// apiError is one error as a provider reports it. Empty fields take the
// dialect's default for the status.
type apiError struct {
	status int
	typ    string // OpenAI/Azure "type", Anthropic error type, Gemini status
	code   string // OpenAI/Azure "code"; Gemini ErrorInfo reason
	param  string
	msg    string
}

func newError(status int, format string, args ...any) apiError {
	return apiError{status: status, msg: fmt.Sprintf(format, args...)}
}

// body renders the error in the dialect s.
func (e apiError) body(s style) any {
	switch s {
	case styleAnthropic:
		return map[string]any{"type": "error",
			"error": map[string]any{"type": or(e.typ, anthropicType(e.status)), "message": e.msg}}
	case styleGemini, styleGeminiCompat:
		inner := map[string]any{"code": e.status, "message": e.msg, "status": or(e.typ, googleStatus(e.status))}
		if e.code != "" {
			inner["details"] = []any{map[string]any{
				"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": e.code, "domain": "googleapis.com",
				"metadata": map[string]string{"service": "generativelanguage.googleapis.com"}}}
		}
		if s == styleGeminiCompat {
			return []any{map[string]any{"error": inner}}
		}
		return map[string]any{"error": inner}
	case styleOllama:
		return map[string]string{"error": e.msg}
	case styleAzure:
		inner := map[string]any{"code": or(e.code, fmt.Sprint(e.status)), "message": e.msg}
		if e.param != "" {
			inner["param"], inner["type"] = e.param, or(e.typ, "invalid_request_error")
		}
		return map[string]any{"error": inner}
	}
	return map[string]any{"error": map[string]any{"message": e.msg,
		"type": or(e.typ, openAIType(e.status)), "param": nullable(e.param), "code": nullable(e.code)}}
}

// write sends the error with its status.
func (e apiError) write(w http.ResponseWriter, s style) {
	b, _ := json.Marshal(e.body(s))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(b)))
	w.WriteHeader(e.status)
	_, _ = w.Write(b)
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func openAIType(status int) string {
	switch {
	case status == http.StatusTooManyRequests:
		return "requests"
	case status >= 500:
		return "server_error"
	}
	return "invalid_request_error"
}

func anthropicType(status int) string {
	switch status {
	case 401:
		return "authentication_error"
	case 403:
		return "permission_error"
	case 404:
		return "not_found_error"
	case 413:
		return "request_too_large"
	case 429:
		return "rate_limit_error"
	case 529:
		return "overloaded_error"
	}
	if status >= 500 {
		return "api_error"
	}
	return "invalid_request_error"
}

func googleStatus(status int) string {
	switch status {
	case 400:
		return "INVALID_ARGUMENT"
	case 401:
		return "UNAUTHENTICATED"
	case 403:
		return "PERMISSION_DENIED"
	case 404:
		return "NOT_FOUND"
	case 429:
		return "RESOURCE_EXHAUSTED"
	case 503:
		return "UNAVAILABLE"
	case 504:
		return "DEADLINE_EXCEEDED"
	}
	if status >= 500 {
		return "INTERNAL"
	}
	return "FAILED_PRECONDITION"
}

// statusError is the body a provider sends with an outage status.
func statusError(s style, status int) apiError {
	e := apiError{status: status, msg: http.StatusText(status)}
	switch {
	case s == styleAnthropic && status == 529:
		e.msg = "Overloaded"
	case s == styleAnthropic && status >= 500:
		e.msg = "Internal server error"
	case (s == styleGemini || s == styleGeminiCompat) && status == 503:
		e.msg = "The model is overloaded. Please try again later."
	case status == 503:
		e.msg = "The server is overloaded or not ready yet."
	case status >= 500:
		e.msg = "The server had an error while processing your request. Sorry about that!"
	}
	return e
}

// rateLimitError is a provider's 429 body.
func rateLimitError(s style, retryAfter string) apiError {
	e := apiError{status: http.StatusTooManyRequests}
	switch s {
	case styleAnthropic:
		e.msg = "This request would exceed your organization's rate limit. Please try again later."
	case styleGemini, styleGeminiCompat:
		e.msg = "Resource has been exhausted (e.g. check quota)."
	case styleAzure:
		e.code = "429"
		e.msg = "Requests to the ChatCompletions_Create Operation have exceeded the rate limit of your current pricing tier."
		if retryAfter != "" {
			e.msg += " Please retry after " + retryAfter + " seconds."
		}
	default:
		e.code = "rate_limit_exceeded"
		e.msg = "Rate limit reached for requests per min (RPM). Please try again later."
	}
	return e
}

// maskKey shows a wrong key the way providers do: enough to recognise it,
// never the whole key.
func maskKey(k string) string {
	if len(k) <= 8 {
		return strings.Repeat("*", len(k))
	}
	return k[:3] + strings.Repeat("*", len(k)-7) + k[len(k)-4:]
}
