package probes

import (
	"context"
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
// named p.StatusComponent (case-insensitive). Unknown words pass through
// as they are; any failure is reported in StatusWord.Err.
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
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, config.DefaultTimeout.D())
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.StatusPage, nil)
	if err != nil {
		return StatusWord{}, fmt.Errorf("status page: %v", innermost(err))
	}
	req.Header.Set("Accept", "application/json")
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req) // a public page: redirects carry no key

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
	word := StatusWord{Indicator: cmpOr(s.Status.Indicator, "unknown")}
	want := strings.TrimSpace(p.StatusComponent)
	for _, c := range s.Components {
		if want != "" && strings.EqualFold(strings.TrimSpace(c.Name), want) {
			word.Component = c.Status
			break
		}
	}
	return word, nil
}
