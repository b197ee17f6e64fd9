package fakes

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
)

// datedVersion is the form of Azure OpenAI's classic api-version values.
var datedVersion = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(-preview)?$`)

// firstMaxCompletionTokens is the first api-version that knows
// max_completion_tokens; older ones reject it as unrecognized.
const firstMaxCompletionTokens = "2024-09-01"

func azureRoutes(h *Handler) []route {
	classic := func(serve func(*exchange)) func(*exchange) {
		return func(x *exchange) {
			if x.azureClassicVersion() && x.azureAuth(false) && x.azureDeployment() {
				serve(x)
			}
		}
	}
	v1 := func(x *exchange) bool { return x.azureV1Version() && x.azureAuth(true) }
	routes := []route{
		{http.MethodGet, "/openai/models", func(x *exchange) {
			if x.azureClassicVersion() && x.azureAuth(false) {
				x.listAzureModels()
			}
		}},
		{http.MethodPost, "/openai/deployments/{deployment}/chat/completions", classic(func(x *exchange) {
			if x.azureTokensParam() {
				x.serveChat(x.deploymentModel)
			}
		})},
		{http.MethodPost, "/openai/deployments/{deployment}/completions", classic(func(x *exchange) {
			x.serveCompletion(x.deploymentModel)
		})},
		{http.MethodPost, "/openai/deployments/{deployment}/embeddings", classic(func(x *exchange) {
			x.serveEmbedding(x.deploymentModel)
		})},
		{http.MethodGet, "/openai/v1/models", func(x *exchange) {
			if v1(x) {
				x.listAzureModels()
			}
		}},
	}
	// The v1 form is OpenAI's API where "model" names a deployment.
	for _, rt := range openAIRoutes("/openai/v1", v1, azureV1Resolver(h)) {
		if rt.path != "/openai/v1/models" {
			routes = append(routes, rt)
		}
	}
	return routes
}

// deployments are the names an Azure fake serves.
func (h *Handler) deployments() []string {
	if h.opts.Deployment == "" || slices.Contains(h.models, h.opts.Deployment) {
		return h.models
	}
	return append([]string{h.opts.Deployment}, h.models...)
}

func (x *exchange) azureClassicVersion() bool {
	v := x.r.URL.Query().Get("api-version")
	switch {
	case v == "":
		x.fail(apiError{status: http.StatusNotFound, code: "404", msg: "Resource not found"})
		return false
	case !datedVersion.MatchString(v) || x.h.opts.APIVersion != "" && v != x.h.opts.APIVersion:
		x.fail(apiError{status: http.StatusBadRequest, code: "BadRequest", msg: "API version not supported"})
		return false
	}
	return true
}

func (x *exchange) azureV1Version() bool {
	switch x.r.URL.Query().Get("api-version") {
	case "", "v1", "preview", "latest":
		return true
	}
	x.fail(apiError{status: http.StatusBadRequest, code: "BadRequest", msg: "API version not supported"})
	return false
}

// azureAuth checks the api-key header; the v1 form also takes the key as
// a bearer token, as the OpenAI client sends it.
func (x *exchange) azureAuth(bearerOK bool) bool {
	got := x.r.Header.Get("api-key")
	if tok, ok := x.bearer(); got == "" && ok && bearerOK {
		got = tok
	}
	if !x.h.keyOK(got) {
		x.fail(apiError{status: http.StatusUnauthorized, code: "401", msg: "Access denied due to invalid " +
			"subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription " +
			"and use a correct regional API endpoint for your resource."})
		return false
	}
	return true
}

func deploymentNotFound() *apiError {
	return &apiError{status: http.StatusNotFound, code: "DeploymentNotFound", msg: "The API deployment for " +
		"this resource does not exist. If you created the deployment within the last 5 minutes, please wait " +
		"a moment and try again."}
}

func (x *exchange) azureDeployment() bool {
	if !slices.Contains(x.h.deployments(), x.params["deployment"]) {
		x.fail(*deploymentNotFound())
		return false
	}
	return true
}

// deploymentModel is the resolver of classic routes: the path chose the model.
func (x *exchange) deploymentModel(*openAIRequest) (string, *apiError) {
	return x.params["deployment"], nil
}

func azureV1Resolver(h *Handler) resolver {
	return func(req *openAIRequest) (string, *apiError) {
		if slices.Contains(h.deployments(), req.model) {
			return req.model, nil
		}
		return "", deploymentNotFound()
	}
}

// azureTokensParam rejects max_completion_tokens on api-versions that
// predate it, as Azure does.
func (x *exchange) azureTokensParam() bool {
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(x.body, &fields)
	v := x.r.URL.Query().Get("api-version")
	if _, ok := fields["max_completion_tokens"]; ok && v[:10] < firstMaxCompletionTokens {
		x.fail(apiError{status: http.StatusBadRequest, code: "BadRequest", param: "max_completion_tokens",
			msg: "Unrecognized request argument supplied: max_completion_tokens"})
		return false
	}
	return true
}

func (x *exchange) listAzureModels() {
	data := make([]any, 0, len(x.h.models))
	for _, m := range x.h.models {
		data = append(data, map[string]any{"id": m, "object": "model", "status": "succeeded",
			"created_at": 1721260800, "lifecycle_status": "generally-available",
			"capabilities": map[string]bool{"fine_tune": false, "inference": true, "completion": false,
				"chat_completion": true, "embeddings": false},
			"deprecation": map[string]int64{"inference": 1774396800}})
	}
	x.writeJSON(map[string]any{"object": "list", "data": data})
}
