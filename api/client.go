package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client defaults.
const (
	// DefaultRequestTimeout bounds every request but the stream, from
	// dialling to the last byte of the answer.
	DefaultRequestTimeout = 10 * time.Second
	// DefaultStreamIdle is how long a stream may go without a frame or a
	// heartbeat before the client calls the connection dead: three
	// missed heartbeats.
	DefaultStreamIdle = 3 * DefaultHeartbeat
	// maxAnswer bounds a JSON answer the client reads; maxFrame one
	// stream frame (a snapshot carries every provider's samples).
	maxAnswer = 8 << 20
	maxFrame  = 32 << 20
)

// Error is a refusal by the server: its HTTP status and its message.
type Error struct {
	Status int
	Msg    string
}

// Error says what the server said, with its status.
func (e *Error) Error() string {
	return fmt.Sprintf("server answered %d %s: %s", e.Status, http.StatusText(e.Status), e.Msg)
}

// Client talks to a switchboard API. Its methods are safe to call from
// several goroutines.
type Client struct {
	base    string
	token   string
	http    *http.Client
	timeout time.Duration
	idle    time.Duration
}

// Option adjusts a Client.
type Option func(*Client)

// WithTransport sends requests through rt (tests use an in-memory network).
func WithTransport(rt http.RoundTripper) Option { return func(c *Client) { c.http.Transport = rt } }

// WithTimeout sets the per-request timeout (DefaultRequestTimeout).
func WithTimeout(d time.Duration) Option { return func(c *Client) { c.timeout = d } }

// WithStreamIdle sets how long a silent stream is trusted (DefaultStreamIdle).
func WithStreamIdle(d time.Duration) Option { return func(c *Client) { c.idle = d } }

// NewClient returns a client of the API at baseURL (such as
// "http://127.0.0.1:8788") that sends token as a bearer token ("" for
// none).
func NewClient(baseURL, token string, opts ...Option) *Client {
	c := &Client{base: strings.TrimRight(baseURL, "/"), token: token, timeout: DefaultRequestTimeout,
		idle: DefaultStreamIdle, http: &http.Client{Transport: newTransport()}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// newTransport bounds each step of a connection, so that even the stream,
// which has no overall deadline, cannot hang on a dead server.
func newTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: DefaultRequestTimeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       time.Minute,
	}
}

// Server is the base URL the client talks to.
func (c *Client) Server() string { return c.base }

// Close closes the client's idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// State returns GET /api/v1/state.
func (c *Client) State(ctx context.Context) (State, error) {
	var st State
	err := c.do(ctx, http.MethodGet, "/api/v1/state", nil, &st)
	return st, err
}

// Events returns GET /api/v1/events: with since > 0 the first limit
// events after since, else the newest limit; limit 0 is the server's
// default (100).
func (c *Client) Events(ctx context.Context, since uint64, limit int) (EventList, error) {
	q := url.Values{}
	if since > 0 {
		q.Set("since", strconv.FormatUint(since, 10))
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	path := "/api/v1/events"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var list EventList
	err := c.do(ctx, http.MethodGet, path, nil, &list)
	return list, err
}

// Command sends POST /api/v1/commands; a refusal is an *Error.
func (c *Client) Command(ctx context.Context, req CommandRequest) (CommandResult, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return CommandResult{}, err
	}
	var res CommandResult
	err = c.do(ctx, http.MethodPost, "/api/v1/commands", body, &res)
	return res, err
}

// do sends one request within the client's timeout and decodes a 200
// answer into out.
func (c *Client) do(ctx context.Context, method, path string, body []byte, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := c.newRequest(ctx, method, path, rd)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, c.base+path, unwrapURL(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	switch {
	case err != nil:
		return fmt.Errorf("%s %s: reading the answer: %w", method, c.base+path, err)
	case len(data) > maxAnswer:
		return fmt.Errorf("%s %s: the answer is larger than %d bytes", method, c.base+path, maxAnswer)
	case resp.StatusCode != http.StatusOK:
		return &Error{Status: resp.StatusCode, Msg: messageOf(data, resp.StatusCode)}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: the answer is not the API's JSON: %w", method, c.base+path, err)
	}
	return nil
}

func (c *Client) newRequest(ctx context.Context, method, path string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, fmt.Errorf("server URL %q: %w", c.base, err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// messageOf is the server's {"error"} message, or the start of whatever a
// proxy on the way answered instead.
func messageOf(data []byte, status int) string {
	var e ErrorBody
	if json.Unmarshal(data, &e) == nil && e.Error != "" {
		return e.Error
	}
	msg := strings.TrimSpace(string(data))
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	return msg
}

// unwrapURL drops url.Error's repetition of the method and URL, which the
// caller's message already names.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
