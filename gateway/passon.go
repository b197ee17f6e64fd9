package gateway

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
)

// passOn commits a non-streamed answer larger than max_response_buffer:
// held, the bytes read so far (none when the Content-Length alone was too
// large), then the rest as it arrives. Holding the whole answer for a retry
// would need unbounded memory, and calling a large answer a bad one would
// bill it twice and mark a healthy provider down. The commit point thus
// moves up to here: from now on nothing is retried, and the answer's JSON
// is not checked (only a fully held answer can be).
func (c *call) passOn(w http.ResponseWriter, resp *http.Response, n int, held []byte) outcome {
	c.unwatch() // committing: no rescue from here on
	if errors.Is(context.Cause(c.ctx), errRescued) {
		resp.Body.Close() // rescued while the answer came: nothing was sent yet
		return c.failed(errRescued)
	}
	// The upstream's length, when it sent one, tells the client how much
	// to expect, so a connection cut short reads as an error there too.
	src := io.MultiReader(bytes.NewReader(held), resp.Body)
	return c.relayOut(w, resp, n, resp.ContentLength, src, false)
}
