// Package memnet is an in-memory network for HTTP servers and clients in
// one process. Its connections are net.Pipe pairs, so inside a
// testing/synctest bubble every blocking read is durable and whole minutes
// of probing and failover run in milliseconds of real time.
package memnet

import (
	"context"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// Network routes dials by host:port to the listener registered there.
type Network struct {
	mu        sync.Mutex
	listeners map[string]*Listener
}

// New returns an empty network.
func New() *Network { return &Network{listeners: map[string]*Listener{}} }

// Listen registers a listener at addr ("name:port"); an address in use is an error.
func (n *Network) Listen(addr string) (*Listener, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, busy := n.listeners[addr]; busy {
		return nil, &net.OpError{Op: "listen", Net: "memnet", Err: syscall.EADDRINUSE}
	}
	l := &Listener{net: n, addr: addr, conns: make(chan net.Conn), done: make(chan struct{})}
	n.listeners[addr] = l
	return l, nil
}

// DialContext connects to the listener at addr, or fails as a refused TCP
// connection would.
func (n *Network) DialContext(ctx context.Context, _, addr string) (net.Conn, error) {
	n.mu.Lock()
	l := n.listeners[addr]
	n.mu.Unlock()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	if l == nil {
		return nil, refused
	}
	client, server := net.Pipe()
	select {
	case l.conns <- &conn{Conn: server, local: l.Addr()}:
		return &conn{Conn: client, local: addrOf("client:0"), remote: l.Addr()}, nil
	case <-l.done:
		return nil, refused
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Client returns an HTTP client whose every connection goes through this
// network; timeout bounds each whole request.
func (n *Network) Client(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{
		DialContext:         n.DialContext,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     30 * time.Second,
	}}
}

// Listener is a net.Listener on a Network.
type Listener struct {
	net   *Network
	addr  string
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

// Accept waits for the next dial.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close unregisters the listener: later dials are refused.
func (l *Listener) Close() error {
	l.once.Do(func() {
		close(l.done)
		l.net.mu.Lock()
		delete(l.net.listeners, l.addr)
		l.net.mu.Unlock()
	})
	return nil
}

// Addr returns the listener's address.
func (l *Listener) Addr() net.Addr { return addrOf(l.addr) }

type addrOf string

func (a addrOf) Network() string { return "memnet" }
func (a addrOf) String() string  { return string(a) }

// conn gives a pipe end real-looking addresses for logs and http.Server.
type conn struct {
	net.Conn
	local, remote net.Addr
}

func (c *conn) LocalAddr() net.Addr { return c.local }
func (c *conn) RemoteAddr() net.Addr {
	if c.remote == nil {
		return addrOf("client:0")
	}
	return c.remote
}
