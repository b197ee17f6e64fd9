package gateway

import (
	"errors"
	"io"
	"sync"
	"sync/atomic"
)

// Buffers are pooled so the hot path allocates no large slices per request.
// A buffer that grew past maxPooled is left to the GC so one huge body does
// not pin memory for the life of the process.
const (
	initialBuffer = 16 << 10
	maxPooled     = 1 << 20
	streamBuffer  = 32 << 10
)

var bufPool = sync.Pool{New: func() any {
	b := make([]byte, 0, initialBuffer)
	return &b
}}

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) > maxPooled {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

// errTooLarge means a body exceeded its limit.
var errTooLarge = errors.New("body too large")

// maxPresize is the most of a declared length (Content-Length) allocated
// before any of its bytes arrive. A declared length costs the sender
// nothing: taken at its word, a few hundred connections declaring 10 MiB
// and sending a byte a second would hold gigabytes.
const maxPresize = 64 << 10

// readLimited reads r whole into *buf (reused), failing with errTooLarge
// past limit bytes. hint is the expected size (Content-Length) or -1. The
// buffer grows as bytes arrive, doubling, never past limit+1: one byte
// over is enough to know.
func readLimited(r io.Reader, buf *[]byte, limit, hint int64) error {
	if hint > limit {
		return errTooLarge
	}
	b := (*buf)[:0]
	if hint >= int64(cap(b)) {
		b = make([]byte, 0, min(hint+1, maxPresize)) // +1 so the final Read sees EOF without growing
	}
	for {
		if len(b) == cap(b) {
			b = grow(b, limit)
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > limit {
			*buf = b
			return errTooLarge
		}
		if err == io.EOF {
			*buf = b
			return nil
		}
		if err != nil {
			*buf = b
			return err
		}
	}
}

// grow doubles full b's capacity (append's growth is gentler for large
// slices, copying more often), but not past limit+1: len(b) is at most
// limit, so there is always room for one more byte.
func grow(b []byte, limit int64) []byte {
	nb := make([]byte, len(b), min(max(2*int64(cap(b)), 512), limit+1))
	copy(nb, b)
	return nb
}

// sharedBody is a request body read once and sent to several attempts. The
// transport may still be writing an attempt's body after RoundTrip returns,
// so the pooled buffer goes back only when every reader is closed.
type sharedBody struct {
	buf  *[]byte
	refs atomic.Int32
}

func newSharedBody(buf *[]byte) *sharedBody {
	s := &sharedBody{buf: buf}
	s.refs.Store(1) // the handler's own reference
	return s
}

func (s *sharedBody) bytes() []byte { return *s.buf }

func (s *sharedBody) release() {
	if s.refs.Add(-1) == 0 {
		putBuf(s.buf)
	}
}

// reader returns a body of the given parts (slices of the shared buffer, or
// small new slices), holding a reference until it is closed.
func (s *sharedBody) reader(parts [3][]byte) io.ReadCloser {
	s.refs.Add(1)
	return &partsReader{parts: parts, owner: s}
}

// partsReader reads a spliced body (before-model, new model, after-model)
// without copying it into one slice.
type partsReader struct {
	mu     sync.Mutex // a Close from another goroutine waits for a Read in progress
	parts  [3][]byte
	i      int
	owner  *sharedBody
	closed bool
}

func (p *partsReader) Read(dst []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return 0, errors.New("read after close")
	}
	n := 0
	for p.i < len(p.parts) && n < len(dst) {
		c := copy(dst[n:], p.parts[p.i])
		p.parts[p.i] = p.parts[p.i][c:]
		n += c
		if len(p.parts[p.i]) == 0 {
			p.i++
		}
	}
	if p.i == len(p.parts) {
		return n, io.EOF
	}
	return n, nil
}

func (p *partsReader) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.closed = true
		p.owner.release()
	}
	return nil
}
