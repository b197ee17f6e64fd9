package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Limits on what a receiver's answer may cost us: the start of its body
// is kept for the error, a little more is drained so the connection can be
// reused, and the rest is left unread.
const (
	answerKept    = 256
	answerDrained = 4 << 10
)

// webhook posts Slack-compatible JSON {"text": ...} to one URL.
type webhook struct {
	url    string
	client *http.Client
	r      *redactor
}

// slackEscape escapes the three characters Slack reads as markup, so a
// provider's error text can neither break the message nor ping a channel
// ("<!channel>").
var slackEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func (w *webhook) send(ctx context.Context, m *Message) error {
	body, err := json.Marshal(map[string]string{"text": slackEscape.Replace(m.Text)})
	if err != nil {
		return &permanentError{err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return &permanentError{errors.New("bad webhook URL")}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "switchboard-notify/1")
	resp, err := w.client.Do(req)
	if err != nil {
		return errors.New(w.r.redact(transportProblem(ctx, err)))
	}
	defer resp.Body.Close()
	kept, _ := io.ReadAll(io.LimitReader(resp.Body, answerKept))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, answerDrained))
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	msg := "HTTP " + strconv.Itoa(resp.StatusCode)
	if words := oneLine(w.r.redact(string(kept)), 120); words != "" {
		msg += ": " + words
	}
	err = errors.New(msg)
	switch code := resp.StatusCode; {
	case code == http.StatusTooManyRequests:
		return &retryAfterError{err, retryAfter(resp.Header.Get("Retry-After"))}
	case code == http.StatusRequestTimeout || code >= 500:
		return err
	case code >= 300 && code <= 399:
		return &permanentError{errors.New(msg + " (a redirect: webhooks are not followed elsewhere)")}
	}
	// Any other 4xx (Slack's 404 no_service, 410 channel_is_archived,
	// 403 action_prohibited) will not go away by asking again.
	return &permanentError{err}
}

// transportProblem says why no answer came, without the URL that
// net/http puts in its errors ("Post \"https://hooks…/SECRET\": ...").
func transportProblem(ctx context.Context, err error) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return "no answer before the timeout"
	}
	var ue *url.Error
	for errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

// retryAfter reads delay-seconds; an HTTP date or nothing is no hint.
func retryAfter(v string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return 0
	}
	return time.Duration(min(n, 3600)) * time.Second
}

// webhookClient is a client for webhooks: base's transport and settings,
// never following a redirect, which would resend the message, or drop it
// silently on a 303's GET, somewhere the config never named.
func webhookClient(base *http.Client) *http.Client {
	c := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	if base != nil {
		cp := *base
		c = &cp
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// hostOf names a webhook by its host alone, for logs and Stats.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(bad URL)"
	}
	return u.Host
}
