package config

import (
	"strings"
	"testing"
)

func TestRedacted(t *testing.T) {
	on := true
	c := &Config{
		Gateway: &Gateway{Listen: "0.0.0.0:8787", Token: "gw-secret"},
		API: &API{Listen: "0.0.0.0:8788", Tokens: []APIToken{
			{Name: "wallboard", Token: "view-secret", Role: RoleViewer},
			{Name: "oncall", Token: "ops-secret", Role: RoleOperator}}},
		Providers: []Provider{
			{Name: "o", Kind: KindOpenAI, APIKey: "sk-secret", BaseURL: "https://u:pw-secret@api.example/v1?key=q-secret&region=eu", Enabled: &on},
			{Name: "h", Kind: KindHTTP, HTTP: &HTTPProbe{URL: "https://h/?token=t-secret",
				Headers: map[string]string{"Authorization": "Bearer h-secret", "X-Api-Key": "k-secret", "Accept": "application/json"}}},
		},
	}
	r := Redacted(c)
	text := r.String() + c.String()
	for _, secret := range []string{"gw-secret", "sk-secret", "pw-secret", "q-secret", "t-secret", "h-secret", "k-secret",
		"view-secret", "ops-secret"} {
		if strings.Contains(text, secret) {
			t.Errorf("redacted output contains %q:\n%s", secret, text)
		}
	}
	for _, kept := range []string{"region=eu", "application/json", "0.0.0.0:8787", "api.example",
		"wallboard", "oncall", "0.0.0.0:8788"} {
		if !strings.Contains(text, kept) {
			t.Errorf("redacted output lost %q:\n%s", kept, text)
		}
	}
	if c.Providers[0].APIKey != "sk-secret" || c.Gateway.Token != "gw-secret" ||
		c.Providers[1].HTTP.Headers["Authorization"] != "Bearer h-secret" || c.API.Tokens[1].Token != "ops-secret" {
		t.Error("Redacted modified the original config")
	}
	*r.Providers[0].Enabled = false
	if !c.Providers[0].IsEnabled() {
		t.Error("Redacted shares pointers with the original")
	}
	if Redacted(nil) != nil {
		t.Error("Redacted(nil) != nil")
	}
}
