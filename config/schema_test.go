package config

import (
	"reflect"
	"slices"
	"testing"
)

// TestFieldListsMatchTypes keeps the decoder's field lists in step with the
// yaml tags of the contract types: a field added to types.go must be
// decoded, and the decoder must not accept a field the types lack.
func TestFieldListsMatchTypes(t *testing.T) {
	cases := []struct {
		v     any
		names []string
	}{
		{Config{}, topFields}, {Policy{}, policyFields}, {Gateway{}, gatewayFields},
		{API{}, apiFields}, {APIToken{}, apiTokenFields},
		{Provider{}, providerFields}, {HTTPProbe{}, httpFields}, {Notify{}, notifyFields},
		{Fleet{}, fleetFields}, {Etcd{}, etcdFields}, {EtcdTLS{}, etcdTLSFields},
	}
	for _, tc := range cases {
		typ := reflect.TypeOf(tc.v)
		var tags []string
		for i := range typ.NumField() {
			if !typ.Field(i).IsExported() {
				continue // not in YAML (Config.where)
			}
			if tag := typ.Field(i).Tag.Get("yaml"); tag != "-" {
				tags = append(tags, tag)
			}
		}
		if !slices.Equal(tags, tc.names) {
			t.Errorf("%s: yaml tags %v, decoder knows %v", typ.Name(), tags, tc.names)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := append(slices.Clone(providerFields), kinds...)
	cases := map[string]string{
		"kid": "kind", "api-key": "api_key", "APIKey": "api_key", "baseurl": "base_url", "modle": "model",
		"azure": "azure-openai", "statuspage": "status_page", "opneai": "openai", "zzz": "", "colour": "",
	}
	for in, want := range cases {
		if got := suggest(in, names); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}
