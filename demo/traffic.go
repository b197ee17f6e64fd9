package demo

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// TrafficEvery is how often the demo's application sends a request: two
// a second, alternately plain and streamed.
const TrafficEvery = 500 * time.Millisecond

// maxInFlight bounds the demo application's requests waiting at once (a
// hung provider holds them until the gateway moves them elsewhere).
const maxInFlight = 32

// Traffic is the demo's application: a small client that asks the gateway
// for chat completions as a real application does (the OpenAI API, plain
// and streamed with stream_options.include_usage), so the dashboard shows
// the applications' side: requests served by openai, then by azure-openai
// during the outage, with no error reaching the application.
type Traffic struct {
	base   string // the gateway's /v1 URL
	client *http.Client

	sent, ok, failed atomic.Int64
	mu               sync.Mutex
	lastErr          string
}

// TrafficStats counts the demo application's finished requests.
type TrafficStats struct {
	Sent, OK, Failed int64
	LastError        string // the newest failure, "" when none
}

// NewTraffic is an application sending to the gateway at baseURL (e.g.
// "http://127.0.0.1:8787/v1") through client.
func NewTraffic(baseURL string, client *http.Client) *Traffic {
	return &Traffic{base: strings.TrimSuffix(baseURL, "/"), client: client}
}

// Run sends a request every TrafficEvery until ctx ends, each in its own
// goroutine so a slow answer never delays the next, and returns once every
// request it sent has finished.
func (t *Traffic) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, maxInFlight)
	tick := time.NewTicker(TrafficEvery)
	defer tick.Stop()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		select {
		case slots <- struct{}{}:
		default:
			continue // the gateway is that slow: the application waits too
		}
		stream := n%2 == 1
		wg.Go(func() {
			defer func() { <-slots }()
			t.count(ctx, t.ask(ctx, stream))
		})
	}
}

// Stats returns the counts so far.
func (t *Traffic) Stats() TrafficStats {
	t.mu.Lock()
	defer t.mu.Unlock()
	return TrafficStats{Sent: t.sent.Load(), OK: t.ok.Load(), Failed: t.failed.Load(), LastError: t.lastErr}
}

// count records one request's outcome; one cut short by the demo's own
// shutdown is not the gateway's failure and is not counted.
func (t *Traffic) count(ctx context.Context, err error) {
	if ctx.Err() != nil && err != nil {
		return
	}
	t.sent.Add(1)
	if err == nil {
		t.ok.Add(1)
		return
	}
	t.failed.Add(1)
	t.mu.Lock()
	t.lastErr = err.Error()
	t.mu.Unlock()
}

const (
	chatPlain  = `{"model":"` + Model + `","messages":[{"role":"user","content":"Say hello to the ops wall."}]}`
	chatStream = `{"model":"` + Model + `","messages":[{"role":"user","content":"Stream a hello to the ops wall."}],` +
		`"stream":true,"stream_options":{"include_usage":true}}`
)

// ask sends one chat request and reads its answer whole, as an
// application would: an error is anything the application would see as
// one (a status that is not 2xx, a broken or unfinished stream).
func (t *Traffic) ask(ctx context.Context, stream bool) error {
	body := chatPlain
	if stream {
		body = chatStream
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.base+"/chat/completions", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer demo-application")
	resp, err := t.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(msg))
	}
	if !stream {
		_, err := io.Copy(io.Discard, resp.Body)
		return err
	}
	return readStream(resp.Body)
}

// errUnfinished is a stream that ended without its [DONE].
var errUnfinished = errors.New("the stream ended before [DONE]")

// readStream reads an OpenAI stream to its [DONE]; an error event fails it.
func readStream(r io.Reader) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data:")
		if !ok {
			continue
		}
		data = strings.TrimSpace(data)
		switch {
		case data == "[DONE]":
			return nil
		case strings.HasPrefix(data, `{"error"`):
			return fmt.Errorf("error event: %s", data)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return errUnfinished
}
