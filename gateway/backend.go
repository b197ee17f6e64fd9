package gateway

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"switchboard/config"
	"switchboard/probes"
)

// Routes the gateway knows by name; any other /v1/... path is passed through
// to kinds whose whole API is OpenAI-compatible.
const (
	routeChat        = "/chat/completions"
	routeCompletions = "/completions"
	routeEmbeddings  = "/embeddings"
	routeModels      = "/models"
)

// backend is one provider as the gateway sends traffic to it: where, with
// which credentials, under which model names.
type backend struct {
	name        string
	kind        string
	base        string // provider base URL, no trailing slash
	key         string
	deployment  string
	apiVersion  string
	models      map[string]string
	hidden      []string // the provider's secrets (probes.Secrets) that Redact replaces: never shown
	secretForms []string // hidden and its escaped forms, as Redact replaces them
	secrets     [][]byte // secretForms as bytes, searched in answers
	longest     int      // bytes in the longest of secrets: how far one can reach past a cut
	// versionQuery is Azure classic's query when the client sent none.
	versionQuery string
}

func newBackend(p config.Provider) *backend {
	b := &backend{
		name: p.Name, kind: p.Kind, base: strings.TrimRight(p.BaseURL, "/"), key: p.APIKey,
		deployment: p.Deployment, apiVersion: p.APIVersion, models: p.Models,
		versionQuery: "api-version=" + url.QueryEscape(p.APIVersion),
	}
	for _, sec := range probes.Secrets(p) {
		if len(sec) < probes.MinSecretLen {
			continue // a placeholder ("ollama", "x"): Redact leaves it, so nothing searches for it
		}
		b.hidden = append(b.hidden, sec)
		for _, form := range []string{sec, url.QueryEscape(sec), url.PathEscape(sec)} {
			if slices.Contains(b.secretForms, form) {
				continue // most keys escape to themselves: search each form once
			}
			b.secretForms = append(b.secretForms, form)
			b.secrets = append(b.secrets, []byte(form))
			b.longest = max(b.longest, len(form))
		}
	}
	return b
}

func (b *backend) azureClassic() bool {
	return b.kind == config.KindAzureOpenAI && b.apiVersion != "v1"
}

// serves reports whether this backend has an endpoint for the client path
// rest (the part after /v1).
func (b *backend) serves(rest string) bool {
	if b.kind == config.KindAnthropic {
		// Its OpenAI compatibility layer covers chat completions only;
		// /v1/models exists but in Anthropic's own shape.
		return rest == routeChat
	}
	return true
}

// mayEndWithoutDone: from this backend a clean end after a chunk that
// carries a finish_reason is a whole answer, as the stream probe has it.
func (b *backend) mayEndWithoutDone() bool { return probes.MayEndWithoutDone(b.kind) }

func (b *backend) needsDeployment(rest string) bool {
	return rest == routeChat || rest == routeCompletions || rest == routeEmbeddings
}

// mapModel turns the client's model name into this provider's: the models
// map first; Azure falls back to its deployment (else a deployment named
// like the model, a common convention); others keep the name.
func (b *backend) mapModel(requested string) string {
	if m, ok := b.models[requested]; ok {
		return m
	}
	if b.kind == config.KindAzureOpenAI && b.deployment != "" {
		return b.deployment
	}
	return requested
}

// target builds the upstream URL for the escaped client path rest, its raw
// query and the mapped model (the Azure classic deployment).
func (b *backend) target(rest, rawQuery, model string) string {
	var sb strings.Builder
	sb.Grow(len(b.base) + len(rest) + len(rawQuery) + 64)
	sb.WriteString(b.base)
	switch b.kind {
	case config.KindAzureOpenAI:
		if !b.azureClassic() {
			sb.WriteString("/openai/v1")
			break
		}
		sb.WriteString("/openai")
		if b.needsDeployment(rest) {
			sb.WriteString("/deployments/")
			sb.WriteString(url.PathEscape(model))
		}
		sb.WriteString(rest)
		sb.WriteString("?")
		if q := clientQuery(rawQuery); len(q) > 0 {
			q.Set("api-version", b.apiVersion) // the provider's configured version is the one that works
			sb.WriteString(q.Encode())
		} else {
			sb.WriteString(b.versionQuery) // the usual case, built once
		}
		return sb.String()
	case config.KindAnthropic, config.KindOllama:
		sb.WriteString("/v1")
	case config.KindGemini:
		sb.WriteString("/v1beta/openai")
	}
	sb.WriteString(rest)
	if q := clientQuery(rawQuery); len(q) > 0 {
		sb.WriteString("?")
		sb.WriteString(q.Encode())
	}
	return sb.String()
}

// clientQuery is the client's query without its credentials (?key=,
// ?api-key=, ?access_token= and the like): like the client's auth headers
// they are its own, and the provider gets the gateway's key instead. It is
// nil when the client sent no query, the usual case.
func clientQuery(rawQuery string) url.Values {
	if rawQuery == "" {
		return nil
	}
	q, _ := url.ParseQuery(rawQuery) // what does not parse is dropped
	for name := range q {
		if probes.SensitiveName(name) {
			delete(q, name)
		}
	}
	return q
}

// authorize sets this provider's credentials on an upstream request.
func (b *backend) authorize(h http.Header) {
	if b.key == "" {
		return // ollama and local servers need none
	}
	switch b.kind {
	case config.KindAzureOpenAI:
		h.Set("Api-Key", b.key)
	default:
		h.Set("Authorization", "Bearer "+b.key)
	}
}

// rewritesBody reports whether this backend's body model differs from the
// client's, so the request body must be spliced. Azure classic ignores the
// body's model (the deployment is in the path), so it is left alone.
func (b *backend) rewritesBody(requested string) bool {
	if b.azureClassic() {
		return false
	}
	return b.mapModel(requested) != requested
}
