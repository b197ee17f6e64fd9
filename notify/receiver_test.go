package notify

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
)

// receiver is a webhook endpoint: it records each message's text in
// arrival order, and can answer with a status, hang, or hold each request
// until the test lets it go.
type receiver struct {
	mu       sync.Mutex
	texts    []string
	paths    []string
	attempts int
	inflight int
	status   int           // 0: 200
	hang     bool          // never answer; the client gives up
	gate     chan struct{} // when set, each request waits for a token
	echo     bool          // a failing answer repeats the request's URL, as some servers do
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Text string `json:"text"`
	}
	b, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(b, &body)
	rc.mu.Lock()
	rc.attempts++
	rc.inflight++
	status, hang, gate := rc.status, rc.hang, rc.gate
	rc.mu.Unlock()
	defer func() { rc.mu.Lock(); rc.inflight--; rc.mu.Unlock() }()
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "want a JSON POST", http.StatusBadRequest)
		return
	}
	if hang {
		<-r.Context().Done()
		return
	}
	if gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
	}
	if status != 0 && status != http.StatusOK {
		msg := "invalid_payload"
		if rc.echo {
			msg = "no_service for " + r.URL.String()
		}
		http.Error(w, msg, status)
		return
	}
	rc.mu.Lock()
	rc.texts = append(rc.texts, body.Text)
	rc.paths = append(rc.paths, r.URL.RequestURI())
	rc.mu.Unlock()
}

func (rc *receiver) got() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.texts...)
}

func (rc *receiver) counts() (attempts, inflight int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.attempts, rc.inflight
}
