package probes

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"switchboard/config"
)

// summary is the part of an Atlassian Statuspage summary.json we read.
type summary struct {
	Status *struct {
		Indicator string `json:"indicator"`
	} `json:"status"`
	Components []struct {
		Name   string `json:"name"`
		Status string `json:"status"`
	} `json:"components"`
}

// StatusPage reads p's official status page (Atlassian Statuspage
// summary.json): the page-wide indicator and the status of the component
// named p.StatusComponent (case-insensitive), which must be on the page.
// Unknown words pass through as they are; any failure is reported in
// StatusWord.Err.
func StatusPage(ctx context.Context, client *http.Client, p config.Provider) StatusWord {
	word, err := readStatusPage(ctx, client, p)
	if err != nil {
		word.Err = Short(Redact(err.Error(), Secrets(p)...))
	}
	word.At = time.Now()
	return word
}

func readStatusPage(ctx context.Context, client *http.Client, p config.Provider) (StatusWord, error) {
	if p.StatusPage == "" {
		return StatusWord{}, fmt.Errorf("no status page configured")
	}
	if _, ok := ctx.Deadline(); !ok {
		// Bounded like a probe of the same provider.
		if p.Timeout <= 0 {
			return StatusWord{}, errors.New("status page: no timeout" + notApplied)
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.Timeout.D())
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.StatusPage, nil)
	if err != nil {
		return StatusWord{}, fmt.Errorf("status page: %v", innermost(err))
	}
	req.Header.Set("Accept", "application/json")
	resp, err := withRedirects(client, maxStatusRedirects).Do(req)
	if err != nil {
		_, msg := ClassifyError(ctx, err)
		return StatusWord{}, fmt.Errorf("status page: %s", msg)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return StatusWord{}, fmt.Errorf("status page: HTTP %d", resp.StatusCode)
	}
	body, tooBig, err := readLimited(resp.Body, maxBody)
	switch {
	case err != nil:
		_, msg := ClassifyError(ctx, err)
		return StatusWord{}, fmt.Errorf("status page: %s", msg)
	case tooBig:
		return StatusWord{}, fmt.Errorf("status page: larger than 1 MiB")
	}
	var s summary
	if err := decode(body, &s); err != nil || s.Status == nil {
		return StatusWord{}, fmt.Errorf("status page: not a Statuspage summary")
	}
	word := StatusWord{Indicator: cmpOr(statusText(s.Status.Indicator), "unknown")}
	want := strings.TrimSpace(p.StatusComponent)
	if want == "" {
		return word, nil
	}
	for _, c := range s.Components {
		if strings.EqualFold(strings.TrimSpace(c.Name), want) {
			word.Component = statusText(c.Status)
			return word, nil
		}
	}
	// Not the page-wide word instead: on a page that covers several
	// products, another one's outage would take this provider out of
	// rotation. A renamed or mistyped component is the operator's to fix.
	return StatusWord{}, fmt.Errorf("status page: no component named %q", want)
}

// maxStatusWord bounds a word read from a status page. The real ones are
// short ("degraded_performance" is 20 bytes); a longer one is not a status
// and would only push the rest of a dashboard row off the screen.
const maxStatusWord = 32

// statusText makes a word from a status page fit to print. The page is
// someone else's text: an escape sequence in it would retitle or clear the
// operator's terminal wherever the word is shown. Short drops control
// characters and joins lines, as for error texts; the bound is tighter.
func statusText(s string) string { return ShortN(s, maxStatusWord) }

// maxStatusRedirects is how many redirects a status page may take (http to
// https, a moved host): a public page, so no key can follow them.
const maxStatusRedirects = 3

// withRedirects is client, but following up to n redirects whatever client
// the caller passed (the probes' own client answers them instead).
func withRedirects(client *http.Client, n int) *http.Client {
	if client == nil {
		client = http.DefaultClient
	}
	c := *client
	c.CheckRedirect = func(_ *http.Request, via []*http.Request) error {
		if len(via) > n {
			return fmt.Errorf("more than %d redirects", n)
		}
		return nil
	}
	return &c
}
