package localnet

import (
	"net/http/httptest"
	"testing"
)

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{"localhost": true, "LOCALHOST": true, "127.0.0.1": true, "127.9.9.9": true,
		"::1": true, "": false, "0.0.0.0": false, "10.0.0.5": false, "example.com": false, "localhost.example.com": false} {
		if got := IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

// A request is local only with a loopback Host and no foreign Origin: DNS
// rebinding and cross-site pages are refused.
func TestRequest(t *testing.T) {
	cases := []struct {
		name, host, origin string
		want               bool
	}{
		{"sdk", "127.0.0.1:8787", "", true},
		{"localhost name", "localhost:8787", "", true},
		{"ipv6", "[::1]:8787", "", true},
		{"subdomain of localhost", "app.localhost:8787", "", true},
		{"local page", "127.0.0.1:8787", "http://localhost:3000", true},
		{"dns rebinding", "evil.example:8787", "", false},
		{"cross-site page", "127.0.0.1:8787", "https://evil.example", false},
		{"sandboxed page", "127.0.0.1:8787", "null", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "http://"+c.host+"/v1/models", nil)
			r.Host = c.host
			if c.origin != "" {
				r.Header.Set("Origin", c.origin)
			}
			if got := Request(r); got != c.want {
				t.Fatalf("Request(Host %q, Origin %q) = %v, want %v", c.host, c.origin, got, c.want)
			}
		})
	}
}
