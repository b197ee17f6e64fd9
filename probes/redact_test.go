package probes

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"switchboard/config"
)

func TestRedact(t *testing.T) {
	cases := []struct {
		in      string
		secrets []string
		want    string
	}{
		{"key sk-0123456789abcdef bad", []string{"sk-0123456789abcdef"}, "key REDACTED bad"},
		{"url ?k=a%2Fb%2Bc-0123456789 and a/b+c-0123456789", []string{"a/b+c-0123456789"}, "url ?k=REDACTED and REDACTED"},
		{"path /v1/a%20b-0123456789abcd", []string{"a b-0123456789abcd"}, "path /v1/REDACTED"},
		{"both sk-0123456789abcdef-ext", []string{"sk-0123456789abcdef", "sk-0123456789abcdef-ext"}, "both REDACTED"},
		{"nothing to hide", []string{""}, "nothing to hide"},
		// Placeholder keys are words too: replacing them would corrupt the
		// text (a model name, a JSON field) rather than hide anything.
		{`"model":"ollama-llama3.2"`, []string{"ollama"}, `"model":"ollama-llama3.2"`},
		{`"index":0`, []string{"x"}, `"index":0`},
		{"one byte short: sk-0123456789abcd", []string{"sk-0123456789abcd"[:MinSecretLen-1]}, "one byte short: sk-0123456789abcd"},
	}
	for _, tc := range cases {
		if got := Redact(tc.in, tc.secrets...); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestShortErr(t *testing.T) {
	long := strings.Repeat("é", 200)
	got := Short("line one\n\tline two " + long)
	if len(got) > maxErr || !utf8.ValidString(got) || !strings.HasPrefix(got, "line one line two é") || !strings.HasSuffix(got, "…") {
		t.Fatalf("short: %d bytes %q", len(got), got)
	}
	// A provider's escape sequences must not reach the operator's terminal.
	if got := Short("HTTP 500: \x1b[2J\x1b[31mPWNED\x1b]0;title\x07 \u009b1m end"); strings.ContainsFunc(got, unicode.IsControl) {
		t.Errorf("control characters kept: %q", got)
	}
}

// TestKeyNeverInErr: servers that echo the key (in a header, in a URL, in
// their error body) must not put it on the screen.
func TestKeyNeverInErr(t *testing.T) {
	const key = "sk-live/SECRET+key=1"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		msg := strings.ReplaceAll(r.Header.Get("Authorization")+r.Header.Get("X-Token")+" at "+r.URL.String(), `"`, "'")
		_, _ = w.Write([]byte(`{"error":{"message":"bad credentials: ` + msg + `"}}`))
	}))
	defer echo.Close()
	escaped := url.QueryEscape(key)
	cases := []config.Provider{
		{Name: "openai", Kind: "openai", BaseURL: echo.URL, APIKey: key},
		{Name: "http", Kind: "http", HTTP: &config.HTTPProbe{URL: echo.URL + "/health?api_key=" + escaped + "&x=" + url.PathEscape(key),
			Headers: map[string]string{"X-Token": key}}},
		{Name: "refused", Kind: "openai", BaseURL: "http://127.0.0.1:1/" + url.PathEscape(key), APIKey: key},
		{Name: "dns", Kind: "openai", BaseURL: "http://u:" + escaped + "@provider.invalid", APIKey: "other"},
	}
	for _, p := range cases {
		r := probe(t, p, 5*time.Second)
		if r.OK() || r.Err == "" {
			t.Fatalf("%s: want a failure, got %+v", p.Name, r)
		}
		for _, form := range []string{key, escaped, url.PathEscape(key), "SECRET"} {
			if strings.Contains(r.Err, form) {
				t.Fatalf("%s: Err shows the key: %q", p.Name, r.Err)
			}
		}
		if p.Name == "openai" && !strings.Contains(r.Err, "bad credentials: Bearer REDACTED") {
			t.Fatalf("redaction must keep the rest of the message: %q", r.Err)
		}
	}
}

// base_url credentials go out as basic auth; a server that echoes the
// header would show them as base64, which is as good as the password.
func TestBasicAuthFromBaseURLRedacted(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":{"message":"bad credentials: %s"}}`, r.Header.Get("Authorization"))
	}))
	defer echo.Close()
	base := strings.Replace(echo.URL, "http://", "http://svc:hunter2-very-secret@", 1) + "/v1"
	r := probe(t, config.Provider{Name: "p", Kind: "openai-compatible", BaseURL: base}, 5*time.Second)
	if !strings.Contains(r.Err, "bad credentials: Basic REDACTED") {
		t.Fatalf("Err %q, want the basic-auth header redacted", r.Err)
	}
}
