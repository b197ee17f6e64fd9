package fakes

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"
)

const (
	maxRequestBody = 4 << 20 // larger request bodies get 413
	keptRequests   = 256     // Requests() keeps the newest ones; memory stays flat in the demo
)

// errReleased ends a hung or delayed request when the server closes.
var errReleased = errors.New("fakes: released")

// Handler is one fake provider as an http.Handler. Its fault, delay and
// request log may be changed while it serves.
type Handler struct {
	opts    Options
	models  []string
	routes  []route
	release chan struct{} // closed by Release: ends hangs and delays
	once    sync.Once

	mu     sync.Mutex
	fault  Fault
	delay  time.Duration
	reqs   []Request // newest last, at most keptRequests
	count  int
	refuse func(on bool) // set by Server: FaultRefuse stops its listener
}

// NewHandler returns a fake provider of opts.Kind as an http.Handler, for
// callers that serve it themselves (the demo, in-memory networks).
func NewHandler(opts Options) *Handler {
	h := &Handler{opts: opts, models: opts.Models, release: make(chan struct{})}
	if len(h.models) == 0 {
		h.models = []string{"gpt-4o-mini"}
	}
	h.routes = routesFor(h)
	return h
}

// SetFault makes every later request misbehave as f (FaultNone: behave).
func (h *Handler) SetFault(f Fault) {
	h.mu.Lock()
	prev, refuse := h.fault.Kind, h.refuse
	h.fault = f
	h.mu.Unlock()
	if refuse != nil && (f.Kind == FaultRefuse) != (prev == FaultRefuse) {
		refuse(f.Kind == FaultRefuse)
	}
}

// SetDelay adds d before every answer (a request whose client leaves
// earlier gets nothing).
func (h *Handler) SetDelay(d time.Duration) {
	h.mu.Lock()
	h.delay = d
	h.mu.Unlock()
}

// Requests returns copies of the newest requests received (up to 256), oldest first.
func (h *Handler) Requests() []Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]Request, len(h.reqs))
	copy(out, h.reqs)
	return out
}

// Count is the number of requests received since the last Reset.
func (h *Handler) Count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.count
}

// Reset forgets recorded requests and clears the fault and the delay.
func (h *Handler) Reset() {
	h.SetFault(Fault{})
	h.mu.Lock()
	h.reqs, h.count, h.delay = nil, 0, 0
	h.mu.Unlock()
}

// Release ends every hung or delayed request (their connections are
// dropped) and makes later hangs and delays end at once. Server.Close calls it.
func (h *Handler) Release() { h.once.Do(func() { close(h.release) }) }

// ServeHTTP answers as the provider would, or as the fault says.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body []byte
	var err error
	if r.Body != nil { // nil when called directly rather than by a server
		body, err = io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	}
	h.record(r, body)
	h.mu.Lock()
	fault, delay := h.fault, h.delay
	h.mu.Unlock()
	x := &exchange{h: h, w: w, r: r, body: body, style: styleFor(h.opts.Kind, r.URL.Path)}
	if err := h.wait(r.Context(), delay); err != nil {
		abortIf(err)
		return
	}
	if fault.Kind != FaultNone && h.misbehave(x, fault) {
		return
	}
	switch {
	case err != nil:
		return // the client broke its own request body
	case len(body) > maxRequestBody:
		x.fail(newError(http.StatusRequestEntityTooLarge, "Request exceeds the maximum allowed size."))
		return
	}
	x.dispatch(h.routes)
}

func (h *Handler) record(r *http.Request, body []byte) {
	req := Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		Header: r.Header.Clone(), Body: body}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.count++
	if len(h.reqs) == keptRequests {
		h.reqs = append(h.reqs[:0], h.reqs[1:]...)
	}
	h.reqs = append(h.reqs, req)
}

// wait sleeps d unless the client leaves or the handler is released.
func (h *Handler) wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-h.release:
		return errReleased
	}
}

// abortIf drops the connection of a released request, so its client sees
// a broken connection rather than an empty 200.
func abortIf(err error) {
	if errors.Is(err, errReleased) {
		panic(http.ErrAbortHandler)
	}
}

// keyOK reports whether a presented key is accepted: the configured one,
// or any non-empty key when none is configured.
func (h *Handler) keyOK(got string) bool {
	return got != "" && (h.opts.APIKey == "" || got == h.opts.APIKey)
}

// served reports whether model is one this fake serves, and its canonical name.
func (h *Handler) served(model string) (string, bool) {
	for _, m := range h.models {
		if m == model {
			return m, true
		}
	}
	return "", false
}

// routesFor returns the endpoints of a kind; an unknown kind serves none.
func routesFor(h *Handler) []route {
	switch h.opts.Kind {
	case kindOpenAI, kindCompatible:
		return openAIRoutes("/v1", (*exchange).openAIAuth, openAIResolver(h))
	case kindAzure:
		return azureRoutes(h)
	case kindAnthropic:
		return anthropicRoutes(h)
	case kindGemini:
		return geminiRoutes(h)
	case kindOllama:
		return ollamaRoutes(h)
	}
	return nil
}
