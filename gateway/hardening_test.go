package gateway_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"switchboard/config"
	"switchboard/internal/fakes"
)

// echoUpstream answers every request with handle, as an OpenAI provider
// at /v1 whose key is upstreamKey.
func echoUpstream(t *testing.T, handle http.HandlerFunc) config.Provider {
	t.Helper()
	s := httptest.NewServer(handle)
	t.Cleanup(s.Close)
	return config.Provider{Name: "echo", Kind: config.KindOpenAI, BaseURL: s.URL + "/v1", APIKey: upstreamKey}
}

// Response headers are the provider's too: a key echoed in one (a
// redirect's Location, say) is redacted, and the provider's cookies and
// CORS grants are not passed on.
func TestResponseHeadersCarryNoSecrets(t *testing.T) {
	p := echoUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Echo-Auth", r.Header.Get("Authorization"))
		h.Set("Set-Cookie", "session=abc; Domain=api.openai.com")
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("X-Request-Id", "req-42")
		if r.URL.Path == "/v1/models" {
			h.Set("Location", "http://elsewhere.example/v1/models?key="+upstreamKey)
			w.WriteHeader(http.StatusTemporaryRedirect)
			return
		}
		h.Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"c1","object":"chat.completion","choices":[]}`)
	})
	h := start(t, newConfig(p), newFakeSource("echo"))
	noRedirects := &http.Client{Transport: h.http.Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/v1/chat/completions", "/v1/models"} {
		resp, err := noRedirects.Post(h.url+path, "application/json", strings.NewReader(chatBody))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		hdr := resp.Header
		for k, vs := range hdr {
			if strings.Contains(strings.Join(vs, " "), upstreamKey) {
				t.Errorf("%s: header %s shows the key: %q", path, k, vs)
			}
		}
		if got := hdr.Get("X-Echo-Auth"); got != "Bearer REDACTED" {
			t.Errorf("%s: X-Echo-Auth %q, want it redacted", path, got)
		}
		if hdr.Get("Set-Cookie") != "" || hdr.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s: provider's cookie or CORS grant passed on: %v", path, hdr)
		}
		if hdr.Get("X-Request-Id") != "req-42" {
			t.Errorf("%s: end-to-end header X-Request-Id lost: %v", path, hdr)
		}
	}
}

// A provider's error text is redacted before it is cut to one short line:
// cut first, a key split by the cut would no longer match, and its first
// half would reach the client and the dashboard.
func TestFailureTextRedactedBeforeCut(t *testing.T) {
	padding := strings.Repeat("x", 145) // the old 160-byte cut fell inside the key
	p := echoUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/completions" { // a 200 that is not JSON, its type echoing the key
			w.Header().Set("Content-Type", "text/html; k="+upstreamKey)
			fmt.Fprint(w, "<html>splash</html>")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":{"message":"%s key %s is not valid"}}`, padding, upstreamKey)
	})
	h := start(t, newConfig(p), newFakeSource("echo"))
	prefix := upstreamKey[:10]
	for _, path := range []string{"/v1/chat/completions", "/v1/completions"} {
		_, _, body := h.do("POST", path, chatBody, nil)
		msg, _, _ := openAIError(t, body)
		if strings.Contains(msg, prefix) {
			t.Errorf("%s: client's error shows part of the key: %s", path, msg)
		}
		for _, r := range h.src.Reports() {
			if strings.Contains(r.Err, prefix) {
				t.Errorf("%s: report for the dashboard shows part of the key: %s", path, r.Err)
			}
		}
	}
}

// Without a token the gateway serves local programs only: not a web page
// that reaches loopback by DNS rebinding (its own host name) or by a
// cross-site request (its own Origin).
func TestNonLocalClientRefused(t *testing.T) {
	s := startFake(t, fakes.Options{Kind: "openai", APIKey: upstreamKey})
	h := start(t, newConfig(provider("p", config.KindOpenAI, s)), newFakeSource("p"))
	port := h.url[strings.LastIndex(h.url, ":")+1:]
	cases := []struct {
		name, host, origin string
		want               int
	}{
		{"rebound name", "evil.example:" + port, "", http.StatusForbidden},
		{"cross-site page", "127.0.0.1:" + port, "http://evil.example", http.StatusForbidden},
		{"sandboxed page", "127.0.0.1:" + port, "null", http.StatusForbidden},
		{"sdk", "127.0.0.1:" + port, "", http.StatusOK},
		{"localhost", "localhost:" + port, "", http.StatusOK},
		{"local page", "localhost:" + port, "http://localhost:3000", http.StatusOK},
		{"ipv6 loopback", "[::1]:" + port, "", http.StatusOK},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest("POST", h.url+"/v1/chat/completions", strings.NewReader(chatBody))
		req.Host = tc.host
		req.Header.Set("Content-Type", "application/json")
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		resp, err := h.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}
	if n := s.Handler().Count(); n != 4 {
		t.Errorf("provider saw %d requests, want only the 4 local ones", n)
	}
}

// A path that could climb out of the provider's base path ("..", raw or
// encoded) is refused before it reaches any provider, as is a model name
// that would do the same as an Azure deployment in the path.
func TestDotSegmentsRefused(t *testing.T) {
	s := startFake(t, fakes.Options{Kind: "openai", APIKey: upstreamKey})
	h := start(t, newConfig(provider("p", config.KindOpenAI, s)), newFakeSource("p"))
	addr := strings.TrimPrefix(h.url, "http://")
	for _, target := range []string{
		"/v1/../../bob/v1/chat/completions",
		"/v1/%2e%2e/%2E%2E/bob/v1/chat/completions",
		"/v1/..%2f..%2fbob/x",
		"/v1/./chat/completions",
	} {
		if status := rawPost(t, addr, target, chatBody); status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", target, status)
		}
	}
	if status := rawPost(t, addr, "/v1/chat/completions", `{"model":"..","messages":[]}`); status != http.StatusBadRequest {
		t.Errorf(`model "..": status %d, want 400`, status)
	}
	if n := s.Handler().Count(); n != 0 {
		t.Errorf("provider saw %d requests, want none", n)
	}
	if status, _, body := h.do("GET", "/v1/models/gpt-4.1", "", nil); status == http.StatusBadRequest || s.Handler().Count() != 1 {
		t.Errorf("a dot inside a segment is not a dot segment: status %d, %s", status, body)
	}
}

// rawPost sends target as written, which http.Client would not promise to
// keep, and returns the status.
func rawPost(t *testing.T, addr, target, body string) int {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		target, addr, len(body), body)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
