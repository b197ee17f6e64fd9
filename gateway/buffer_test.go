package gateway

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadLimited(t *testing.T) {
	buf := getBuf()
	defer putBuf(buf)
	if err := readLimited(strings.NewReader("12345"), buf, 5, -1); err != nil || string(*buf) != "12345" {
		t.Errorf("at the limit: %q %v", *buf, err)
	}
	if err := readLimited(strings.NewReader("123456"), buf, 5, -1); err != errTooLarge {
		t.Errorf("past the limit: %v", err)
	}
	if err := readLimited(bytes.NewReader(make([]byte, 100)), buf, 5, 100); err != errTooLarge {
		t.Errorf("declared length past the limit: %v", err)
	}
}

// A declared length is only a claim: the buffer grows with the bytes that
// arrive, so a client that declares 10 MiB and sends 10 bytes costs a small
// buffer, not 10 MiB. A body that does arrive is read whole however it
// comes, in a buffer of about its size.
func TestReadLimitedGrowsWithTheBytes(t *testing.T) {
	const limit = 10 << 20
	var buf []byte
	err := readLimited(io.MultiReader(strings.NewReader("0123456789"), iotest.ErrReader(io.ErrUnexpectedEOF)), &buf, limit, limit)
	if err != io.ErrUnexpectedEOF || cap(buf) > maxPresize {
		t.Errorf("10 of a declared %d bytes: %d bytes allocated (err %v), want at most %d", limit, cap(buf), err, maxPresize)
	}
	body := bytes.Repeat([]byte("abcdefgh"), 300<<10/8) // 300 KiB, in small reads
	for _, hint := range []int64{-1, int64(len(body))} {
		buf = nil
		err := readLimited(iotest.HalfReader(bytes.NewReader(body)), &buf, limit, hint)
		if err != nil || !bytes.Equal(buf, body) || cap(buf) > 2*len(body) {
			t.Errorf("declared %d: read %d of %d bytes into %d (err %v)", hint, len(buf), len(body), cap(buf), err)
		}
	}
}
