package gateway_test

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"switchboard/config"
	"switchboard/gateway"
	"switchboard/internal/fakes"
)

// A reload swaps the backends for new requests at once, while a request in
// flight finishes, retry included, on the backends it started with.
func TestReloadSwapsBackendsButNotUnderARequestInFlight(t *testing.T) {
	oldPrimary := startFake(t, fakes.Options{Kind: config.KindOpenAI, APIKey: upstreamKey})
	oldSecondary := startFake(t, fakes.Options{Kind: config.KindOpenAI, APIKey: upstreamKey})
	newPrimary := startFake(t, fakes.Options{Kind: config.KindOpenAI, APIKey: upstreamKey})
	newSecondary := startFake(t, fakes.Options{Kind: config.KindOpenAI, APIKey: upstreamKey})
	cfg := newConfig(provider("primary", config.KindOpenAI, oldPrimary), provider("secondary", config.KindOpenAI, oldSecondary))
	h := start(t, cfg, newFakeSource("primary", "secondary"))
	oldPrimary.Handler().SetFault(fakes.Fault{Kind: fakes.FaultHang}) // until upstream_timeout (1s): then a retry

	inFlight := make(chan callResult, 1)
	go func() { inFlight <- h.chatCall() }()
	waitFor(t, "the request to reach the old primary", func() bool { return oldPrimary.Handler().Count() == 1 })
	next := newConfig(provider("primary", config.KindOpenAI, newPrimary), provider("secondary", config.KindOpenAI, newSecondary))
	if err := h.gw.Reload(next); err != nil {
		t.Fatalf("Reload with the same gateway section: %v", err)
	}
	if r := h.chatCall(); r.err != nil || r.backend != "primary" || newPrimary.Handler().Count() != 1 {
		t.Fatalf("request after the reload: backend %q err %v, new primary saw %d; want it served by the new primary",
			r.backend, r.err, newPrimary.Handler().Count())
	}
	r := <-inFlight
	if r.err != nil || r.backend != "secondary" {
		t.Fatalf("in-flight request: backend %q err %v; want its retry served by secondary", r.backend, r.err)
	}
	if oldSecondary.Handler().Count() != 1 || newSecondary.Handler().Count() != 0 {
		t.Fatalf("old secondary saw %d requests, new secondary %d; the retry must go where the request started",
			oldSecondary.Handler().Count(), newSecondary.Handler().Count())
	}
}

// A changed listen address (or token, or limit) cannot be applied to a
// running gateway: Reload says a restart is needed, naming the settings
// and never a value, applies the providers, and the gateway goes on with
// its old settings.
func TestReloadOfGatewaySettingsNeedsARestart(t *testing.T) {
	const oldToken, newToken = "gw-token-old-0123456789", "gw-token-new-0123456789"
	before := startFake(t, fakes.Options{Kind: config.KindOpenAI, APIKey: upstreamKey})
	after := startFake(t, fakes.Options{Kind: config.KindOpenAI, APIKey: upstreamKey})
	cfg := newConfig(provider("primary", config.KindOpenAI, before))
	cfg.Gateway.Token = oldToken
	h := start(t, cfg, newFakeSource("primary"))

	next := newConfig(provider("primary", config.KindOpenAI, after))
	next.Gateway.Listen, next.Gateway.Token = "127.0.0.1:1", newToken
	err := h.gw.Reload(next)
	var restart *gateway.RestartError
	if !errors.As(err, &restart) || !reflect.DeepEqual(restart.Fields, []string{"gateway.listen", "gateway.token"}) {
		t.Fatalf("Reload: %v; want a restart needed for gateway.listen and gateway.token", err)
	}
	if msg := err.Error(); strings.Contains(msg, oldToken) || strings.Contains(msg, newToken) || !strings.Contains(msg, "restart") {
		t.Fatalf("error %q: want it to ask for a restart without showing a token", msg)
	}
	if status, _, body := h.do("POST", "/v1/chat/completions", chatBody, map[string]string{"Authorization": "Bearer " + newToken}); status != http.StatusUnauthorized {
		t.Fatalf("new token before a restart: %d %s; want 401, the running token stays", status, body)
	}
	status, hdr, body := h.do("POST", "/v1/chat/completions", chatBody, map[string]string{"Authorization": "Bearer " + oldToken})
	if status != http.StatusOK || hdr.Get("X-Switchboard-Backend") != "primary" || after.Handler().Count() != 1 || before.Handler().Count() != 0 {
		t.Fatalf("old token after the reload: %d %s (new endpoint saw %d, old %d); want 200 from the reloaded provider",
			status, body, after.Handler().Count(), before.Handler().Count())
	}

	noGateway := newConfig(provider("primary", config.KindOpenAI, after))
	noGateway.Gateway = nil
	if err := h.gw.Reload(noGateway); !errors.As(err, &restart) || !reflect.DeepEqual(restart.Fields, []string{"gateway"}) {
		t.Fatalf("Reload without a gateway section: %v; want a restart needed for gateway", err)
	}
}
