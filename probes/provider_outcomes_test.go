package probes

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"switchboard/config"
	"switchboard/internal/fakes"
)

// TestProviderErrors checks each provider's own error bodies: the class and
// the provider's message in Err.
func TestProviderErrors(t *testing.T) {
	cases := []struct {
		name   string
		fake   fakes.Options
		fault  fakes.Fault
		p      config.Provider
		class  Class
		errHas string
	}{
		{"gemini wrong key is auth though 400", fakes.Options{Kind: "gemini", APIKey: "right"}, fakes.Fault{},
			config.Provider{Kind: "gemini", APIKey: "wrong"}, ClassAuth, "HTTP 400: API key not valid"},
		{"gemini compat wrong key", fakes.Options{Kind: "gemini", APIKey: "right", Models: []string{"g"}}, fakes.Fault{},
			config.Provider{Kind: "gemini", APIKey: "wrong", Probe: "chat", Model: "g"}, ClassAuth, "API key not valid"},
		{"anthropic overloaded", fakes.Options{Kind: "anthropic", APIKey: "k"}, fakes.Fault{Kind: fakes.FaultStatus, Status: 529},
			config.Provider{Kind: "anthropic", APIKey: "k"}, ClassServerError, "HTTP 529: Overloaded"},
		{"anthropic wrong key", fakes.Options{Kind: "anthropic", APIKey: "k"}, fakes.Fault{},
			config.Provider{Kind: "anthropic", APIKey: "nope"}, ClassAuth, "HTTP 401: invalid x-api-key"},
		{"anthropic stream rate limited", fakes.Options{Kind: "anthropic", APIKey: "k", Models: []string{"c"}},
			fakes.Fault{Kind: fakes.FaultRateLimit}, config.Provider{Kind: "anthropic", APIKey: "k", Probe: "stream", Model: "c"},
			ClassRateLimited, "HTTP 429: This request would exceed"},
		{"azure missing deployment", fakes.Options{Kind: "azure-openai", APIKey: "k", Deployment: "prod"}, fakes.Fault{},
			config.Provider{Kind: "azure-openai", APIKey: "k", Probe: "chat", Deployment: "dev", APIVersion: "2024-10-21"},
			ClassClientError, "HTTP 404: The API deployment for this resource does not exist"},
		{"ollama model missing", fakes.Options{Kind: "ollama", Models: []string{"llama3.2:latest"}}, fakes.Fault{},
			config.Provider{Kind: "ollama", Probe: "chat", Model: "llama3"}, ClassBadResponse, "model llama3 not installed"},
		{"ollama bad json", fakes.Options{Kind: "ollama"}, fakes.Fault{Kind: fakes.FaultBadJSON},
			config.Provider{Kind: "ollama"}, ClassBadResponse, "unexpected response: no version"},
		{"openai unknown model", fakes.Options{Kind: "openai", APIKey: "k"}, fakes.Fault{},
			config.Provider{Kind: "openai", APIKey: "k", Probe: "chat", Model: "gpt-9"}, ClassClientError, "The model `gpt-9` does not exist"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := fakes.Start(tc.fake)
			defer s.Close()
			s.Handler().SetFault(tc.fault)
			tc.p.Name, tc.p.BaseURL = "p", s.BaseURL()
			r := probe(t, tc.p, 5*time.Second)
			wantClass(t, r, tc.class)
			if !strings.Contains(r.Err, tc.errHas) {
				t.Fatalf("err %q lacks %q", r.Err, tc.errHas)
			}
		})
	}
}

// TestWrongBaseURL: an OpenAI base_url without /v1 reaches a path the API
// does not have; the user sees the provider's own words.
func TestWrongBaseURL(t *testing.T) {
	s := fakes.Start(fakes.Options{Kind: "openai", APIKey: "k"})
	defer s.Close()
	r := probe(t, config.Provider{Name: "p", Kind: "openai", BaseURL: s.URL(), APIKey: "k"}, 5*time.Second)
	wantClass(t, r, ClassClientError)
	if r.Err != "HTTP 404: Invalid URL (GET /models)" {
		t.Fatalf("err %q", r.Err)
	}
}

// rawServer answers every request with the given status, type and body.
func rawServer(t *testing.T, status int, ctype, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestMalformedAnswers(t *testing.T) {
	sse := "text/event-stream"
	cases := []struct {
		name, style, ctype, body string
		class                    Class
		errHas                   string
	}{
		{"truncated json", "models", "application/json", `{"object":"list","data":[{"id":"gpt`, ClassBadResponse, "not valid JSON"},
		{"data not a list", "models", "application/json", `{"object":"list","data":"none"}`, ClassBadResponse, "unexpected JSON shape"},
		{"stream without DONE", "stream", sse, "data: {\"choices\":[{\"delta\":{}}]}\n\n", ClassBadResponse, "before its end marker"},
		{"stream without choices", "stream", sse, "data: {\"choices\":[]}\n\ndata: [DONE]\n\n", ClassBadResponse, "without a token"},
		{"stream error event", "stream", sse, "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n",
			ClassServerError, "error in stream: overloaded"},
		{"stream garbage", "stream", sse, "data: <html>\n\n", ClassBadResponse, "not valid JSON"},
		{"redirect", "models", "text/plain", "moved", ClassBadResponse, "HTTP 302"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status := http.StatusOK
			if tc.name == "redirect" {
				status = http.StatusFound
			}
			srv := rawServer(t, status, tc.ctype, tc.body)
			r := probe(t, config.Provider{Name: "p", Kind: "openai", BaseURL: srv.URL, APIKey: "sk-test", Probe: tc.style, Model: "m"}, 5*time.Second)
			wantClass(t, r, tc.class)
			if !strings.Contains(r.Err, tc.errHas) {
				t.Fatalf("err %q lacks %q", r.Err, tc.errHas)
			}
		})
	}
}

// TestRedirectKeepsKeyHome: a redirect is reported, never followed, so a
// key header cannot reach the other host, whatever client the caller gave.
func TestRedirectKeepsKeyHome(t *testing.T) {
	elsewhere := fakes.Start(fakes.Options{Kind: "anthropic", APIKey: "k"})
	defer elsewhere.Close()
	srv := httptest.NewServer(http.RedirectHandler(elsewhere.URL()+"/v1/models?limit=1", http.StatusTemporaryRedirect))
	defer srv.Close()
	p := resolved(config.Provider{Name: "p", Kind: "anthropic", BaseURL: srv.URL, APIKey: "k"})
	for _, client := range []*http.Client{NewClient(), {}} {
		r := Probe(t.Context(), client, p)
		client.CloseIdleConnections()
		wantClass(t, r, ClassBadResponse)
		if !strings.Contains(r.Err, "HTTP 307") || elsewhere.Handler().Count() != 0 {
			t.Fatalf("err %q, the other host saw %d requests", r.Err, elsewhere.Handler().Count())
		}
	}
}

func TestHTTPKind(t *testing.T) {
	srv := rawServer(t, http.StatusOK, "text/plain", "status: all good")
	cases := []struct {
		name  string
		http  *config.HTTPProbe
		class Class
		err   string
	}{
		{"defaults", nil, ClassOK, ""},
		{"body found", &config.HTTPProbe{Method: "POST", Body: "x", ExpectStatus: 200, ExpectBody: "all good"}, ClassOK, ""},
		{"body missing", &config.HTTPProbe{ExpectBody: "healthy"}, ClassBadResponse, `response does not contain "healthy"`},
		{"other 2xx expected", &config.HTTPProbe{ExpectStatus: 204}, ClassBadResponse, "HTTP 200, expected 204"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := probe(t, config.Provider{Name: "h", Kind: "http", BaseURL: srv.URL, HTTP: tc.http}, 5*time.Second)
			wantClass(t, r, tc.class)
			if r.Err != tc.err {
				t.Fatalf("err %q, want %q", r.Err, tc.err)
			}
		})
	}
	down := rawServer(t, http.StatusBadGateway, "text/html", "<h1>bad gateway</h1>")
	r := probe(t, config.Provider{Name: "h", Kind: "http", BaseURL: down.URL}, 5*time.Second)
	wantClass(t, r, ClassServerError)
}

// TestHTTPKindSendsItsRequest checks method, headers and body of an http probe.
func TestHTTPKindSendsItsRequest(t *testing.T) {
	got := make(chan *http.Request, 1)
	bodies := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- r
		bodies <- string(b)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	hp := &config.HTTPProbe{Method: "put", URL: srv.URL + "/health?deep=1", Headers: map[string]string{"X-Check": "yes"},
		Body: `{"ping":1}`, ExpectStatus: 202}
	r := probe(t, config.Provider{Name: "h", Kind: "http", HTTP: hp}, 5*time.Second)
	wantClass(t, r, ClassOK)
	req := <-got
	if req.Method != "PUT" || req.URL.RequestURI() != "/health?deep=1" || req.Header.Get("X-Check") != "yes" || <-bodies != `{"ping":1}` {
		t.Fatalf("sent %s %s %v", req.Method, req.URL, req.Header)
	}
}
