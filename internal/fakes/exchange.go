package fakes

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// exchange is one request being answered.
type exchange struct {
	h      *Handler
	w      http.ResponseWriter
	r      *http.Request
	body   []byte
	style  style
	params map[string]string // {name} path segments of the matched route
}

// route is one endpoint: a method and a path whose {name} segments match
// any one segment.
type route struct {
	method string
	path   string
	serve  func(*exchange)
}

// dispatch runs the route matching the request, or answers 404/405 as the
// provider does for an unknown URL or a wrong method.
func (x *exchange) dispatch(routes []route) {
	pathKnown := false
	for _, rt := range routes {
		params, ok := matchPath(rt.path, x.r.URL.Path)
		if !ok {
			continue
		}
		pathKnown = true
		if rt.method == x.r.Method || rt.method == http.MethodGet && x.r.Method == http.MethodHead {
			x.params = params
			rt.serve(x)
			return
		}
	}
	x.unknownRoute(pathKnown)
}

func matchPath(pattern, path string) (map[string]string, bool) {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return nil, false
	}
	var params map[string]string
	for i, p := range ps {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") && xs[i] != "" {
			if params == nil {
				params = map[string]string{}
			}
			params[p[1:len(p)-1]] = xs[i]
			continue
		}
		if p != xs[i] {
			return nil, false
		}
	}
	return params, true
}

func (x *exchange) unknownRoute(pathKnown bool) {
	m, p := x.r.Method, x.r.URL.Path
	if x.h.opts.Kind == kindOllama {
		// Ollama's router answers unknown routes (and wrong methods) in plain text.
		http.Error(x.w, "404 page not found", http.StatusNotFound)
		return
	}
	switch x.style {
	case styleAnthropic:
		if pathKnown {
			x.fail(newError(http.StatusMethodNotAllowed, "Method Not Allowed"))
			return
		}
		x.fail(newError(http.StatusNotFound, "Not Found"))
	case styleAzure:
		x.fail(apiError{status: http.StatusNotFound, code: "404", msg: "Resource not found"})
	case styleGemini, styleGeminiCompat:
		x.fail(newError(http.StatusNotFound, "Method not found."))
	default:
		if pathKnown {
			x.fail(newError(http.StatusMethodNotAllowed, "Invalid method for URL (%s %s)", m, p))
			return
		}
		x.fail(newError(http.StatusNotFound, "Invalid URL (%s %s)", m, p))
	}
}

func (x *exchange) fail(e apiError) { e.write(x.w, x.style) }

// writeJSON sends a 200 JSON body.
func (x *exchange) writeJSON(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		x.fail(newError(http.StatusInternalServerError, "fake could not encode its answer: %v", err))
		return
	}
	x.w.Header().Set("Content-Type", "application/json")
	x.w.Header().Set("Content-Length", fmt.Sprint(len(b)))
	x.w.WriteHeader(http.StatusOK)
	if x.r.Method != http.MethodHead {
		_, _ = x.w.Write(b)
	}
}

// bearer returns the token of an "Authorization: Bearer" header.
func (x *exchange) bearer() (string, bool) {
	v := x.r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// jsonContent reports whether the request declares a JSON body, as every
// provider requires for POST.
func (x *exchange) jsonContent() bool {
	mt, _, err := mime.ParseMediaType(x.r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

// sse writes one server-sent events stream.
type sse struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

func (x *exchange) startSSE() *sse {
	h := x.w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	x.w.WriteHeader(http.StatusOK)
	return &sse{w: x.w, rc: http.NewResponseController(x.w)}
}

// event sends one event (name "" for data-only events) and flushes it, so a
// client sees each chunk when it is produced.
func (s *sse) event(name string, data any) {
	var b []byte
	if raw, ok := data.(string); ok {
		b = []byte(raw)
	} else {
		b, _ = json.Marshal(data)
	}
	if name != "" {
		fmt.Fprintf(s.w, "event: %s\n", name)
	}
	fmt.Fprintf(s.w, "data: %s\n\n", b)
	_ = s.rc.Flush()
}
