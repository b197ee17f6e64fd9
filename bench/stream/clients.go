package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"switchboard/api"
)

// dashboard is one stream client: when it saw each event frame, and what
// its snapshot frames weighed.
type dashboard struct {
	mu        sync.Mutex
	seen      map[uint64]time.Time // event seq → when its frame had been read
	snapshots int                  // snapshot frames read
	snapBytes int                  // the last snapshot frame's data, bytes (raw readers only)
	bytes     int64                // everything read (raw readers only)
	err       error                // why the stream ended, when not by the bench
}

func (d *dashboard) event(seq uint64, at time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.seen[seq]; !ok {
		d.seen[seq] = at
	}
}

func (d *dashboard) snapshot(size int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.snapshots++
	d.snapBytes = size
}

// fleet is the attached dashboards of one phase.
type fleet struct {
	ds     []*dashboard
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// attach connects n stream clients to the API at addr. With decode each
// one is an api.Client.Stream that decodes every frame, as attach does;
// otherwise a raw SSE reader that parses the event frames and only
// measures the snapshots, to keep the bench process's share of the two
// cores small.
func attach(addr string, n int, decode bool) *fleet {
	ctx, cancel := context.WithCancel(context.Background())
	f := &fleet{cancel: cancel}
	tr := &http.Transport{MaxIdleConnsPerHost: n}
	for range n {
		d := &dashboard{seen: map[uint64]time.Time{}}
		f.ds = append(f.ds, d)
		f.wg.Go(func() {
			var err error
			if decode {
				c := api.NewClient("http://"+addr, "", api.WithTransport(tr), api.WithStreamIdle(time.Minute))
				err = c.Stream(ctx, 0, func(fr api.Frame) {
					switch {
					case fr.Event != nil:
						d.event(fr.ID, time.Now())
					case fr.Snapshot != nil:
						d.snapshot(0)
					}
				})
			} else {
				err = readRaw(ctx, tr, addr, d)
			}
			if ctx.Err() == nil {
				d.mu.Lock()
				d.err = err
				d.mu.Unlock()
			}
		})
	}
	return f
}

// waitUntil polls until ok holds for every dashboard, or fails after within.
func (f *fleet) waitUntil(within time.Duration, what string, ok func(*dashboard) bool) error {
	deadline := time.Now().Add(within)
	for {
		missing := 0
		for _, d := range f.ds {
			d.mu.Lock()
			if d.err != nil {
				d.mu.Unlock()
				return fmt.Errorf("a stream ended: %w", d.err)
			}
			if !ok(d) {
				missing++
			}
			d.mu.Unlock()
		}
		if missing == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d clients still without %s after %s", missing, len(f.ds), what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ready waits until every dashboard has its first snapshot.
func (f *fleet) ready(within time.Duration) error {
	return f.waitUntil(within, "a snapshot", func(d *dashboard) bool { return d.snapshots > 0 })
}

// sawSeq waits until every dashboard has seen event seq.
func (f *fleet) sawSeq(seq uint64, within time.Duration) error {
	return f.waitUntil(within, fmt.Sprintf("event %d", seq), func(d *dashboard) bool { _, ok := d.seen[seq]; return ok })
}

// stop disconnects every dashboard and waits for their goroutines.
func (f *fleet) stop() {
	f.cancel()
	f.wg.Wait()
}

// traffic is what a phase's dashboards read: snapshot frames per client,
// the last frame's size, and bytes per client.
func (f *fleet) traffic() (snapshots, lastSnapBytes int, bytes int64) {
	for _, d := range f.ds {
		d.mu.Lock()
		snapshots, bytes = snapshots+d.snapshots, bytes+d.bytes
		lastSnapBytes = max(lastSnapBytes, d.snapBytes)
		d.mu.Unlock()
	}
	n := max(len(f.ds), 1)
	return snapshots / n, lastSnapBytes, bytes / int64(n)
}

// seen copies every dashboard's sightings, for the report.
func (f *fleet) seen() []map[uint64]time.Time {
	out := make([]map[uint64]time.Time, len(f.ds))
	for i, d := range f.ds {
		d.mu.Lock()
		out[i] = make(map[uint64]time.Time, len(d.seen))
		for k, v := range d.seen {
			out[i][k] = v
		}
		d.mu.Unlock()
	}
	return out
}

// readRaw reads GET /api/v1/stream line by line: an event frame is seen
// when the blank line that ends it has been read; a snapshot frame's data
// is counted, not decoded.
func readRaw(ctx context.Context, tr http.RoundTripper, addr string, d *dashboard) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/api/v1/stream", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := tr.RoundTrip(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("stream answered %s", resp.Status)
	}
	rd := bufio.NewReaderSize(resp.Body, 64<<10)
	var kind string
	var id uint64
	size := 0
	for {
		line, n, err := readLine(rd)
		d.mu.Lock()
		d.bytes += int64(n)
		d.mu.Unlock()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return api.ErrStreamEnded
			}
			return err
		}
		switch {
		case n <= 2 && len(bytes.TrimSpace(line)) == 0: // a blank line ends a frame
			switch kind {
			case "event":
				d.event(id, time.Now())
			case "snapshot":
				d.snapshot(size)
			}
			kind, id, size = "", 0, 0
		case bytes.HasPrefix(line, []byte("event: ")):
			kind = string(bytes.TrimSpace(line[len("event: "):]))
		case bytes.HasPrefix(line, []byte("id: ")):
			id, _ = strconv.ParseUint(string(bytes.TrimSpace(line[len("id: "):])), 10, 64)
		case bytes.HasPrefix(line, []byte("data: ")):
			size += n - len("data: ") - 1
		}
	}
}

// readLine reads one line and returns its first bufio buffer's worth (the
// rest of a long data line is skipped) and its whole length.
func readLine(rd *bufio.Reader) ([]byte, int, error) {
	var first []byte
	n := 0
	for {
		chunk, err := rd.ReadSlice('\n')
		if first == nil {
			first = append([]byte(nil), chunk[:min(len(chunk), 64)]...)
		}
		n += len(chunk)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return first, n, err
		}
	}
}
