package gateway_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"switchboard/config"
	"switchboard/gateway"
	"switchboard/internal/fakes"
)

// openAIError parses the gateway's error body, failing on any other shape.
func openAIError(t *testing.T, body string) (msg, typ, code string) {
	t.Helper()
	var e struct {
		Error *struct {
			Message string  `json:"message"`
			Type    string  `json:"type"`
			Param   *string `json:"param"`
			Code    string  `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error == nil || e.Error.Message == "" {
		t.Fatalf("not an OpenAI error body: %s", body)
	}
	return e.Error.Message, e.Error.Type, e.Error.Code
}

func TestTokenAuth(t *testing.T) {
	s := startFake(t, fakes.Options{Kind: "openai", APIKey: upstreamKey})
	cfg := newConfig(provider("p", config.KindOpenAI, s))
	cfg.Gateway.Token = "gw-token-secret"
	h := start(t, cfg, newFakeSource("p"))
	cases := map[string]struct {
		auth string
		want int
	}{
		"none":          {"", http.StatusUnauthorized},
		"wrong":         {"Bearer gw-token-secreT", http.StatusUnauthorized},
		"prefix only":   {"Bearer gw-token", http.StatusUnauthorized},
		"not bearer":    {"Basic gw-token-secret", http.StatusUnauthorized},
		"right":         {"Bearer gw-token-secret", http.StatusOK},
		"lowercase too": {"bearer gw-token-secret", http.StatusOK},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			hdr := map[string]string{}
			if tc.auth != "" {
				hdr["Authorization"] = tc.auth
			}
			status, _, body := h.do("POST", "/v1/chat/completions", chatBody, hdr)
			if status != tc.want {
				t.Fatalf("status %d, want %d: %s", status, tc.want, body)
			}
			if status == http.StatusUnauthorized {
				if _, typ, code := openAIError(t, body); typ != "invalid_request_error" || code != "invalid_api_key" {
					t.Errorf("401 type %q code %q", typ, code)
				}
			}
		})
	}
	// Refused requests never reach a provider; the token never does either.
	for _, r := range s.Handler().Requests() {
		if strings.Contains(r.Header.Get("Authorization"), "gw-token") {
			t.Errorf("gateway token forwarded upstream: %v", r.Header)
		}
	}
	if n := s.Handler().Count(); n != 2 {
		t.Errorf("provider saw %d requests, want the 2 authorized ones", n)
	}
}

func TestListenRefusesNonLoopbackWithoutToken(t *testing.T) {
	cases := []struct {
		listen, token string
		ok            bool
	}{
		{"127.0.0.1:8787", "", true},
		{"localhost:8787", "", true},
		{"[::1]:8787", "", true},
		{"0.0.0.0:8787", "", false},
		{":8787", "", false},
		{"[::]:8787", "", false},
		{"192.168.1.10:8787", "", false},
		{"gateway.example.com:8787", "", false},
		{"0.0.0.0:8787", "t0ken", true},
		{"no-port", "", false},
	}
	for _, tc := range cases {
		cfg := newConfig()
		cfg.Gateway.Listen, cfg.Gateway.Token = tc.listen, tc.token
		_, err := gateway.New(cfg, newFakeSource(), gateway.Options{})
		if (err == nil) != tc.ok {
			t.Errorf("listen %q token %q: err %v, want ok=%v", tc.listen, tc.token, err, tc.ok)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	s := startFake(t, fakes.Options{Kind: "openai", APIKey: upstreamKey})
	cfg := newConfig(provider("p", config.KindOpenAI, s))
	cfg.Gateway.MaxRequestBody = 1024
	h := start(t, cfg, newFakeSource("p"))
	big := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"` + strings.Repeat("x", 2000) + `"}]}`
	status, _, body := h.do("POST", "/v1/chat/completions", big, nil)
	if status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413: %s", status, body)
	}
	if _, _, code := openAIError(t, body); code != "request_too_large" {
		t.Errorf("code %q", code)
	}
	if n := s.Handler().Count(); n != 0 {
		t.Errorf("provider saw %d requests, want 0", n)
	}
	// Just under the limit passes.
	if status, _, body := h.do("POST", "/v1/chat/completions", chatBody, nil); status != http.StatusOK {
		t.Errorf("small body: status %d: %s", status, body)
	}
}

// The body limit holds for chunked bodies too, which have no Content-Length.
func TestBodyLimitChunked(t *testing.T) {
	s := startFake(t, fakes.Options{Kind: "openai", APIKey: upstreamKey})
	cfg := newConfig(provider("p", config.KindOpenAI, s))
	cfg.Gateway.MaxRequestBody = 1024
	gw, err := gateway.New(cfg, newFakeSource("p"), gateway.Options{})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", "http://127.0.0.1:8787/v1/chat/completions", strings.NewReader(strings.Repeat("y", 4096)))
	req.ContentLength = -1
	rec := httptest.NewRecorder()
	gw.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", rec.Code)
	}
}

// An upstream that echoes its key in an error, passed through or
// summarised, never shows it to the client. (A successful answer is the
// model's and passes unchanged: TestSuccessfulAnswersPassUnchanged.)
func TestUpstreamKeyRedacted(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/embeddings":
			w.WriteHeader(http.StatusBadRequest) // passed through to the client
		case "/v1/completions":
			w.WriteHeader(http.StatusServiceUnavailable) // summarised in the gateway's 502
		}
		_, _ = w.Write([]byte(`{"error":{"message":"bad key ` + key + `","type":"x","param":null,"code":"y"}}`))
	}))
	t.Cleanup(echo.Close)
	p := config.Provider{Name: "echo", Kind: config.KindOpenAI, BaseURL: echo.URL + "/v1", APIKey: upstreamKey}
	h := start(t, newConfig(p), newFakeSource("echo"))
	for _, path := range []string{"/v1/embeddings", "/v1/completions"} {
		_, _, body := h.do("POST", path, chatBody, nil)
		if strings.Contains(body, upstreamKey) || !strings.Contains(body, "REDACTED") {
			t.Errorf("%s: body %s shows the key or was not redacted", path, body)
		}
	}
}

func TestUnknownPathIs404(t *testing.T) {
	h := twoOpenAI(t)
	status, _, body := h.do("GET", "/health", "", nil)
	if status != http.StatusNotFound {
		t.Fatalf("status %d", status)
	}
	openAIError(t, body)
}
