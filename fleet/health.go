package fleet

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"switchboard/config"
)

// storeHealth is whether the fleet store answers, as checkStore last
// found, and since when.
type storeHealth struct {
	mu    sync.Mutex
	up    bool
	since time.Time
	why   string
	// back is closed when the store answers again after it did not (and
	// at the first answer); lost when it stops answering. Each is
	// replaced once closed.
	back, lost chan struct{}
}

func (h *storeHealth) init(now time.Time) {
	h.since, h.why = now, "not reached yet"
	h.back, h.lost = make(chan struct{}), make(chan struct{})
}

func (h *storeHealth) ok() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.up
}

func (h *storeHealth) get() (bool, time.Time, string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.up, h.since, h.why
}

// set records a check's outcome at now and reports whether it changed
// the store's state.
func (h *storeHealth) set(up bool, now time.Time, why string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !up {
		h.why = why
	}
	if up == h.up {
		return false
	}
	h.up, h.since = up, now
	if up {
		h.why = ""
		close(h.back)
		h.back = make(chan struct{})
	} else {
		close(h.lost)
		h.lost = make(chan struct{})
	}
	return true
}

// waitOK returns true once the store answers, false when ctx ends first.
func (h *storeHealth) waitOK(ctx context.Context) bool {
	for ctx.Err() == nil {
		h.mu.Lock()
		up, back := h.up, h.back
		h.mu.Unlock()
		if up {
			return true
		}
		select {
		case <-back:
		case <-ctx.Done():
		}
	}
	return false
}

// lostCh is closed when the store, answering now, stops answering.
func (h *storeHealth) lostCh() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.up {
		ch := make(chan struct{})
		close(ch)
		return ch
	}
	return h.lost
}

// checkStore asks etcd every CheckEvery whether it answers (a
// linearizable read, which a member cut off from its cluster's majority
// cannot serve), and tells the rest of the replica when that changes. The
// store counts as unreachable after two checks in a row fail: one slow
// answer (etcd electing a leader of its own takes a second or two) should
// not make the fleet's leader step down.
func (r *Replica) checkStore(ctx context.Context, cli *clientv3.Client) {
	t := time.NewTicker(r.opts.CheckEvery)
	defer t.Stop()
	var failing time.Time // the first of the failures in a row
	fails := 0
	for {
		cctx, cancel := context.WithTimeout(ctx, r.opts.CheckTimeout)
		start := time.Now()
		_, err := cli.Get(cctx, r.keys.active, clientv3.WithCountOnly())
		cancel()
		if ctx.Err() != nil {
			return
		}
		why := ""
		if err != nil {
			why = storeError(err)
			if fails++; fails == 1 {
				failing = start
			}
		} else {
			fails = 0
		}
		if (err == nil || fails >= 2) && r.store.set(err == nil, orNow(failing, err == nil, start), why) {
			if err == nil {
				r.log.Info("fleet: the fleet store answers")
			} else {
				r.log.Warn("fleet: the fleet store is unreachable; routing stays as it is, commands are refused", "error", why)
			}
			r.pushStatus()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// orNow is when the store's state changed: when the failures began, or
// now for an answer.
func orNow(failing time.Time, ok bool, now time.Time) time.Time {
	if ok {
		return now
	}
	return failing
}

// storeError says in a few words why a request to etcd failed.
func storeError(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer in time"
	}
	s := err.Error()
	if i := strings.LastIndex(s, "desc = "); i >= 0 {
		s = s[i+len("desc = "):]
	}
	return s
}

// clientConfig is the etcd client's configuration for cfg: its endpoints,
// credentials and TLS; its own log is silent (the replica logs what
// matters in its words).
func clientConfig(cfg config.Fleet) (clientv3.Config, error) {
	c := clientv3.Config{
		Endpoints:            cfg.Etcd.Endpoints,
		DialTimeout:          2 * time.Second,
		DialKeepAliveTime:    2 * time.Second,
		DialKeepAliveTimeout: time.Second,
		Username:             cfg.Etcd.Username,
		Password:             cfg.Etcd.Password,
		Logger:               zap.NewNop(),
		PermitWithoutStream:  true,
	}
	secure := cfg.Etcd.TLS != nil
	for _, ep := range cfg.Etcd.Endpoints {
		secure = secure || strings.HasPrefix(ep, "https://")
	}
	if !secure {
		return c, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if t := cfg.Etcd.TLS; t != nil {
		if t.CA != "" {
			pem, err := os.ReadFile(t.CA)
			if err != nil {
				return c, fmt.Errorf("fleet.etcd.tls.ca: %w", err)
			}
			tc.RootCAs = x509.NewCertPool()
			if !tc.RootCAs.AppendCertsFromPEM(pem) {
				return c, fmt.Errorf("fleet.etcd.tls.ca: %s holds no PEM certificate", t.CA)
			}
		}
		if t.Cert != "" {
			cert, err := tls.LoadX509KeyPair(t.Cert, t.Key)
			if err != nil {
				return c, fmt.Errorf("fleet.etcd.tls.cert and key: %w", err)
			}
			tc.Certificates = []tls.Certificate{cert}
		}
	}
	c.TLS = tc
	return c, nil
}
