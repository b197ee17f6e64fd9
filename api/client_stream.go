package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"switchboard/monitor"
)

// Frame is one message of the stream: an event of the log, or the whole
// snapshot that follows every change.
type Frame struct {
	ID       uint64            // the event's seq; 0 for a snapshot
	Event    *Event            // set for an event
	Snapshot *monitor.Snapshot // set for a snapshot
}

// ErrStreamEnded is returned by Stream when the server closed the stream
// (it is shutting down, or cut off a client that fell behind).
var ErrStreamEnded = errors.New("the server ended the stream")

// Stream reads GET /api/v1/stream and hands each frame to fn, in order,
// until ctx ends, the server ends the stream, or nothing (not even a
// heartbeat) arrives for the idle timeout. lastEventID > 0 asks first for
// the kept events after it. It always returns an error: ctx's, an *Error
// for a refusal, ErrStreamEnded, or why the connection failed.
func (c *Client) Stream(ctx context.Context, lastEventID uint64, fn func(Frame)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The idle timer covers the wait for the headers too: it is the
	// stream's timeout, renewed by every line the server sends.
	var idled atomic.Bool
	idle := time.AfterFunc(c.idle, func() { idled.Store(true); cancel() })
	defer idle.Stop()
	req, err := c.newRequest(ctx, http.MethodGet, "/api/v1/stream", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	if lastEventID > 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatUint(lastEventID, 10))
	}
	resp, err := c.http.Do(req)
	if err == nil {
		defer resp.Body.Close()
		err = c.readStream(resp, func() { idle.Reset(c.idle) }, fn)
	}
	var apiErr *Error
	switch {
	case idled.Load():
		return fmt.Errorf("stream %s: nothing received for %s", c.base, c.idle)
	case ctx.Err() != nil: // the caller's context ended: not a failure of the server
		return ctx.Err()
	case errors.Is(err, ErrStreamEnded), errors.As(err, &apiErr):
		return err
	}
	return fmt.Errorf("stream %s: %w", c.base, unwrapURL(err))
}

// readStream checks the answer and parses its frames; alive is called for
// every line, heartbeats included.
func (c *Client) readStream(resp *http.Response, alive func(), fn func(Frame)) error {
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
		return &Error{Status: resp.StatusCode, Msg: messageOf(data, resp.StatusCode)}
	}
	rd := bufio.NewReaderSize(resp.Body, 64<<10)
	var kind string
	var id uint64
	var data []byte
	for {
		line, err := readLine(rd, maxFrame)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return ErrStreamEnded
			}
			return err
		}
		alive()
		switch {
		case len(line) == 0: // a blank line ends a frame
			if data != nil {
				if err := dispatch(kind, id, data, fn); err != nil {
					return err
				}
			}
			kind, id, data = "", 0, nil
			continue
		case line[0] == ':': // a comment: the heartbeat
			continue
		}
		field, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		switch string(field) {
		case "event":
			kind = string(value)
		case "id":
			id, _ = strconv.ParseUint(string(value), 10, 64)
		case "data":
			if data == nil {
				data = []byte{}
			} else {
				data = append(data, '\n')
			}
			data = append(data, value...)
			if len(data) > maxFrame {
				return fmt.Errorf("a stream frame is longer than %d bytes", maxFrame)
			}
		}
	}
}

func dispatch(kind string, id uint64, data []byte, fn func(Frame)) error {
	switch kind {
	case "event":
		var e Event
		if err := json.Unmarshal(data, &e); err != nil {
			return fmt.Errorf("event frame %d is not the API's JSON: %w", id, err)
		}
		fn(Frame{ID: id, Event: &e})
	case "snapshot":
		var s monitor.Snapshot
		if err := json.Unmarshal(data, &s); err != nil {
			return fmt.Errorf("snapshot frame is not the API's JSON: %w", err)
		}
		fn(Frame{Snapshot: &s})
	}
	return nil // a kind this client does not know: a newer server's
}

// readLine reads one line without its end (\n or \r\n), refusing one
// longer than limit rather than buffering whatever a server sends.
func readLine(rd *bufio.Reader, limit int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := rd.ReadSlice('\n')
		if len(line)+len(chunk) > limit {
			return nil, fmt.Errorf("a stream line is longer than %d bytes", limit)
		}
		line = append(line, chunk...)
		switch {
		case err == nil:
			return bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r")), nil
		case !errors.Is(err, bufio.ErrBufferFull):
			return nil, err
		}
	}
}
