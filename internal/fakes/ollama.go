package fakes

import (
	"fmt"
	"net/http"
	"strings"
)

// ollamaVersion is what the fake reports at /api/version.
const ollamaVersion = "0.6.5"

func ollamaRoutes(h *Handler) []route {
	open := func(*exchange) bool { return true } // Ollama has no auth
	compat := openAIRoutes("/v1", open, ollamaResolver(h))
	return append([]route{
		{http.MethodGet, "/", func(x *exchange) {
			x.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = fmt.Fprint(x.w, "Ollama is running")
		}},
		{http.MethodGet, "/api/version", func(x *exchange) { x.writeJSON(map[string]string{"version": ollamaVersion}) }},
		{http.MethodGet, "/api/tags", (*exchange).listOllamaTags},
	}, compat...)
}

// installed finds a model as Ollama names it: "llama3" means "llama3:latest".
func (h *Handler) installed(model string) (string, bool) {
	if m, ok := h.served(model); ok {
		return m, true
	}
	if !strings.Contains(model, ":") {
		return h.served(model + ":latest")
	}
	return "", false
}

func ollamaResolver(h *Handler) resolver {
	return func(req *openAIRequest) (string, *apiError) {
		if m, ok := h.installed(req.model); ok {
			return m, nil
		}
		e := newError(http.StatusNotFound, "model %q not found, try pulling it first", req.model)
		e.typ = "api_error"
		return "", &e
	}
}

func (x *exchange) listOllamaTags() {
	models := make([]any, 0, len(x.h.models))
	for _, m := range x.h.models {
		models = append(models, map[string]any{"name": m, "model": m, "modified_at": "2025-01-15T10:00:00Z",
			"size": 2019393189, "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
			"details": map[string]any{"parent_model": "", "format": "gguf", "family": "llama",
				"families": []string{"llama"}, "parameter_size": "3.2B", "quantization_level": "Q4_K_M"}})
	}
	x.writeJSON(map[string]any{"models": models})
}
