package gateway_test

import (
	"context"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/config"
	"switchboard/gateway"
	"switchboard/internal/fakes"
	"switchboard/internal/memnet"
	"switchboard/monitor"
)

// TestStalledTrafficAsksForAProbe: requests stuck on a hanging primary ask
// the monitor to probe it now, once for the whole crowd, and not before
// they have waited the monitor's own probe timeout for it, rather than
// leave detection to the next scheduled probe; the monitor's verdict then
// rescues them. It runs in simulated time, so the waits are exact.
func TestStalledTrafficAsksForAProbe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := memnet.New()
		primary := fakes.NewHandler(fakes.Options{Kind: config.KindOpenAI, APIKey: upstreamKey})
		defer serveMem(t, n, "primary.test:80", primary)()
		defer serveMem(t, n, "secondary.test:80", fakes.NewHandler(fakes.Options{Kind: config.KindOpenAI, APIKey: upstreamKey}))()
		cfg := newConfig(
			config.Provider{Name: "primary", Kind: config.KindOpenAI, BaseURL: "http://primary.test:80/v1", APIKey: upstreamKey},
			config.Provider{Name: "secondary", Kind: config.KindOpenAI, BaseURL: "http://secondary.test:80/v1", APIKey: upstreamKey})
		cfg.Gateway.UpstreamTimeout = config.Duration(time.Minute)
		src := newFakeSource("primary", "secondary")
		// The monitor's current probe deadline for primary, as published.
		pp, _ := src.Snapshot().Provider("primary")
		probeTimeout := pp.Timeout
		upstream := n.Client(0)
		defer upstream.CloseIdleConnections()
		gw, err := gateway.New(cfg, src, gateway.Options{Client: upstream})
		if err != nil {
			t.Fatal(err)
		}
		defer serveMem(t, n, gwAddr, gw.Handler())()
		ctx, cancel := context.WithCancel(context.Background())
		ran := make(chan struct{})
		go func() { defer close(ran); gw.Run(ctx) }()
		defer func() { cancel(); <-ran }()
		primary.SetFault(fakes.Fault{Kind: fakes.FaultHang})

		const clients = 5
		served := make(chan string, clients)
		client := n.Client(time.Hour)
		defer client.CloseIdleConnections()
		for range clients {
			go func() { served <- servedBy(client) }()
		}
		synctest.Wait()
		if got := primary.Count(); got != clients {
			t.Fatalf("%d requests reached the hanging primary, want %d", got, clients)
		}
		time.Sleep(probeTimeout - time.Millisecond)
		synctest.Wait()
		if got := src.Sent(); len(got) != 0 {
			t.Fatalf("asked %v before the requests had waited the probe timeout", got)
		}
		time.Sleep(time.Millisecond)
		synctest.Wait() // every stalled request's timer has fired
		if got, want := src.Sent(), []monitor.Command{monitor.ProbeNow{Provider: "primary", Stalled: true}}; !reflect.DeepEqual(got, want) {
			t.Fatalf("sent %v, want one probe of primary for %d stalled requests", got, clients)
		}
		src.setState("primary", monitor.StateDown) // what the probe finds
		for range clients {
			if b := <-served; b != "secondary" {
				t.Errorf("a stalled request: %s, want rescued to secondary", b)
			}
		}
	})
}

// servedBy makes one chat request through the in-memory gateway and
// returns the backend that answered it, or what went wrong.
func servedBy(client *http.Client) string {
	resp, err := client.Post("http://"+gwAddr+"/v1/chat/completions", "application/json", strings.NewReader(chatBody))
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "status " + resp.Status
	}
	return resp.Header.Get(gateway.HeaderBackend)
}

// A backend that answers in time is never the subject of a probe request.
func TestPromptAnswersAskForNoProbe(t *testing.T) {
	h := twoOpenAI(t)
	for range 3 {
		if status, _, body := h.do("POST", "/v1/chat/completions", chatBody, nil); status != http.StatusOK {
			t.Fatalf("status %d: %s", status, body)
		}
	}
	if got := h.src.Sent(); len(got) != 0 {
		t.Fatalf("sent %v for prompt answers", got)
	}
}
