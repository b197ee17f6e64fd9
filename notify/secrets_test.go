package notify

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"switchboard/internal/waitfor"

	"switchboard/config"
	"switchboard/probes"
)

// TestSecretsNeverShown: a provider key that reached an event's cause is
// redacted from the text a receiver gets; a webhook's secret path and
// query appear in no log line, error or Stats, even when the receiver
// echoes them back.
func TestSecretsNeverShown(t *testing.T) {
	const key = "sk-live-0123456789abcdefABCDEF"
	const query = "qt0k3nSecretValue99"
	good, echo := &receiver{}, &receiver{status: 500, echo: true}
	gs, es := httptest.NewServer(good), httptest.NewServer(echo)
	defer gs.Close()
	defer es.Close()
	logs := &logBuffer{}
	src := newBoardSource("openai", "azure-openai")
	n := New([]config.Notify{
		{Webhook: gs.URL + "/services/T000/B000/" + hookSecret},
		{Webhook: es.URL + "/hook/" + hookSecret + "?token=" + query},
	}, Options{Secrets: []string{key}, Logger: logs.logger(), MinBackoff: time.Millisecond, RetryFor: 20 * time.Millisecond})
	runNotifier(t, n, src)

	src.now = src.now.Add(time.Second)
	src.b.Observe(probes.Result{Provider: "openai", Source: probes.SourceProbe, Class: probes.ClassAuth, Status: 401,
		Err: "HTTP 401: Incorrect API key provided: " + key}, src.now)
	src.publish()
	waitfor.Cond(t, "delivery and failure", func() bool { st := n.Stats(); return st[0].Delivered == 1 && st[1].Failed == 1 })

	got := good.got()[0]
	if want := "openai misconfigured (auth 401: HTTP 401: Incorrect API key provided: REDACTED) — traffic moved to azure-openai"; got != want {
		t.Errorf("text %q\nwant %q", got, want)
	}
	shown := logs.String()
	for _, st := range n.Stats() {
		shown += st.Destination + st.LastError
	}
	for _, secret := range []string{key, hookSecret, query} {
		if strings.Contains(shown, secret) || strings.Contains(got, secret) {
			t.Errorf("%q shown in:\n%s\n%s", secret, got, shown)
		}
	}
	if !strings.Contains(logs.String(), "HTTP 500: no_service for REDACTED") {
		t.Errorf("the failure's reason is not logged:\n%s", logs.String())
	}
}
