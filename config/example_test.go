package config

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const examplePath = "../config.example.yaml"

// exampleEnv provides every variable config.example.yaml references.
var exampleEnv = map[string]string{
	"OPENAI_API_KEY":        "sk-example-openai",
	"AZURE_OPENAI_ENDPOINT": "https://example-resource.openai.azure.com/",
	"AZURE_OPENAI_API_KEY":  "azure-example-key",
	"ANTHROPIC_API_KEY":     "sk-ant-example",
	"GEMINI_API_KEY":        "AIza-example",
}

func parseExample(t *testing.T) (*Config, string) {
	t.Helper()
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(examplePath, data, envOf(exampleEnv))
	if err != nil {
		t.Fatalf("config.example.yaml does not parse:\n%v", err)
	}
	return c, string(data)
}

// TestExampleParses: the example is valid, its globals and gateway are
// exactly the defaults, and its providers are the documented ones in
// priority order.
func TestExampleParses(t *testing.T) {
	c, _ := parseExample(t)
	def := Default()
	def.Path, def.Gateway, def.API, def.Providers, def.where = c.Path, DefaultGateway(), DefaultAPI(), c.Providers, c.where
	if !reflect.DeepEqual(c, def) {
		t.Errorf("example globals/gateway/api differ from the defaults:\n%s\nwant\n%s", c, def)
	}
	var got []string
	for _, p := range c.Providers {
		got = append(got, p.Name+"/"+p.Kind)
	}
	want := []string{"openai/openai", "azure/azure-openai", "anthropic/anthropic", "gemini/gemini", "ollama/ollama"}
	if !slices.Equal(got, want) {
		t.Errorf("providers = %v, want %v", got, want)
	}
	az := c.Providers[1]
	if az.Deployment != "gpt-4o-mini" || az.APIVersion != "2024-10-21" || az.BaseURL != "https://example-resource.openai.azure.com" {
		t.Errorf("azure = %+v", az)
	}
	oa := c.Providers[0]
	if oa.StatusPage != "https://status.openai.com/api/v2/summary.json" || oa.StatusComponent != "Chat Completions" {
		t.Errorf("openai status page = %q %q", oa.StatusPage, oa.StatusComponent)
	}
}

// TestExampleNamesEveryField: every field of every section appears in the
// example, and every global, policy and gateway field is written with a
// comment that explains it.
func TestExampleNamesEveryField(t *testing.T) {
	_, text := parseExample(t)
	for _, group := range [][]string{topFields, policyFields, gatewayFields, apiFields, apiTokenFields, providerFields, httpFields, notifyFields,
		fleetFields, etcdFields, etcdTLSFields} {
		for _, name := range group {
			if !regexp.MustCompile(`(?m)^[ #]*(- )?` + name + `:`).MatchString(text) {
				t.Errorf("config.example.yaml never shows the field %q", name)
			}
		}
	}
	// Globals at column 0, policy, gateway and api fields indented (the
	// tokens are commented out because they have no default).
	for indent, group := range map[string][]string{"": topFields[:6], "  ": slices.Concat(policyFields, gatewayFields, apiFields)} {
		for _, name := range group {
			if !regexp.MustCompile(`(?m)^` + indent + `(# )?` + name + `: [^#\n]+#.+$`).MatchString(text) {
				t.Errorf("field %q has no value with a comment on its line", name)
			}
		}
	}
}

// TestExampleRoundTrip: printing a parsed config gives YAML that parses
// back to the same config, with secrets redacted.
func TestExampleRoundTrip(t *testing.T) {
	c, _ := parseExample(t)
	out := c.String()
	for _, secret := range exampleEnv {
		if strings.Contains(out, secret) && !strings.HasPrefix(secret, "https://") {
			t.Errorf("printed config contains the secret %q", secret)
		}
	}
	back, err := Parse("printed.yaml", []byte(out), nil)
	if err != nil {
		t.Fatalf("printed config does not parse:\n%v\n%s", err, out)
	}
	want := Redacted(c)
	want.Path, want.where = "printed.yaml", back.where // positions are the printed file's
	if !reflect.DeepEqual(back, want) {
		t.Errorf("round trip differs:\n%s\nwant\n%s", back, want)
	}
}

// BenchmarkParseExample measures parsing and validating the documented
// example, the size of a real config.
func BenchmarkParseExample(b *testing.B) {
	data, err := os.ReadFile(examplePath)
	if err != nil {
		b.Fatal(err)
	}
	env := envOf(exampleEnv)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(examplePath, data, env); err != nil {
			b.Fatal(err)
		}
	}
}
