package fakes

import (
	"net/http"
	"strconv"
	"strings"
)

func geminiRoutes(h *Handler) []route {
	native := func(serve func(*exchange)) func(*exchange) {
		return func(x *exchange) {
			if x.geminiAuth() {
				serve(x)
			}
		}
	}
	compat := openAIRoutes("/v1beta/openai", (*exchange).geminiCompatAuth, geminiResolver(h))
	return []route{
		{http.MethodGet, "/v1beta/models", native((*exchange).listGeminiModels)},
		{http.MethodGet, "/v1beta/models/{model}", native((*exchange).getGeminiModel)},
		pick(compat, "/v1beta/openai/models"),
		pick(compat, "/v1beta/openai/models/{model}"),
		pick(compat, "/v1beta/openai/chat/completions"),
		pick(compat, "/v1beta/openai/embeddings"),
	}
}

func invalidGeminiKey() apiError {
	return apiError{status: http.StatusBadRequest, code: "API_KEY_INVALID",
		msg: "API key not valid. Please pass a valid API key."}
}

// geminiAuth checks the x-goog-api-key header. The real API also takes
// ?key=, which the fake refuses so that no probe puts a key in a URL.
func (x *exchange) geminiAuth() bool {
	switch key := x.r.Header.Get("x-goog-api-key"); {
	case key == "":
		x.fail(newError(http.StatusForbidden, "Method doesn't allow unregistered callers (callers without "+
			"established identity). Please use API Key or other form of API consumer identity to call this API."))
	case !x.h.keyOK(key):
		x.fail(invalidGeminiKey())
	default:
		return true
	}
	return false
}

func (x *exchange) geminiCompatAuth() bool {
	key, ok := x.bearer()
	switch {
	case !ok:
		x.fail(newError(http.StatusUnauthorized, "Request is missing required authentication credential. "+
			"Expected OAuth 2 access token, login cookie or other valid authentication credential."))
	case !x.h.keyOK(key):
		x.fail(invalidGeminiKey())
	default:
		return true
	}
	return false
}

// geminiResolver accepts a model with or without its "models/" prefix.
func geminiResolver(h *Handler) resolver {
	return func(req *openAIRequest) (string, *apiError) {
		if m, ok := h.served(strings.TrimPrefix(req.model, "models/")); ok {
			return m, nil
		}
		e := newError(http.StatusNotFound, "models/%s is not found for API version v1main, or is not supported "+
			"for generateContent. Call ListModels to see the list of available models and their supported methods.",
			strings.TrimPrefix(req.model, "models/"))
		return "", &e
	}
}

func geminiModel(id string) map[string]any {
	return map[string]any{"name": "models/" + id, "version": "001", "displayName": id,
		"description": "A fake Gemini model.", "inputTokenLimit": 1048576, "outputTokenLimit": 8192,
		"supportedGenerationMethods": []string{"generateContent", "countTokens"}}
}

func (x *exchange) listGeminiModels() {
	q := x.r.URL.Query()
	size, from := 50, 0
	if v := q.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			x.fail(newError(http.StatusBadRequest, "Invalid value at 'page_size' (TYPE_INT32), %q", v))
			return
		}
		size = min(max(n, 1), 1000)
	}
	if v := q.Get("pageToken"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > len(x.h.models) {
			x.fail(newError(http.StatusBadRequest, "Invalid page token."))
			return
		}
		from = n
	}
	end := min(from+size, len(x.h.models))
	models := make([]any, 0, end-from)
	for _, m := range x.h.models[from:end] {
		models = append(models, geminiModel(m))
	}
	body := map[string]any{"models": models}
	if end < len(x.h.models) {
		body["nextPageToken"] = strconv.Itoa(end)
	}
	x.writeJSON(body)
}

func (x *exchange) getGeminiModel() {
	m, ok := x.h.served(x.params["model"])
	if !ok {
		x.fail(newError(http.StatusNotFound, "models/%s is not found for API version v1beta", x.params["model"]))
		return
	}
	x.writeJSON(geminiModel(m))
}
