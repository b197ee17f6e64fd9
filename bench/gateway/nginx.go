package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// errNoNginx: nginx is not installed; the run goes on without it.
var errNoNginx = errors.New("nginx not installed")

// nginxConf is a plain reverse proxy with upstream keep-alive, the usual
// production setup, so the comparison is with nginx at its best.
const nginxConf = `daemon off;
worker_processes auto;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  upstream up { server %[2]s; keepalive 256; }
  server {
    listen %[3]s;
    location / {
      proxy_pass http://up;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`

type nginx struct {
	cmd  *exec.Cmd
	dir  string
	addr string
}

// startNginx runs nginx in front of upstream, or returns errNoNginx.
func startNginx(upstream string) (*nginx, error) {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/nginx"); serr != nil {
			return nil, errNoNginx
		}
		bin = "/usr/sbin/nginx"
	}
	dir, err := os.MkdirTemp("", "bench-nginx-")
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, nginxConf, dir, upstream, addr), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-p", dir, "-c", conf, "-e", filepath.Join(dir, "error.log"))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	n := &nginx{cmd: cmd, dir: dir, addr: addr}
	if err := waitListening(addr, 5*time.Second); err != nil {
		n.stop()
		return nil, fmt.Errorf("nginx did not start: %w (see %s/error.log)", err, dir)
	}
	return n, nil
}

func (n *nginx) stop() {
	_ = n.cmd.Process.Signal(syscall.SIGTERM) // nginx's fast shutdown
	_ = n.cmd.Wait()
	_ = os.RemoveAll(n.dir)
}

// rssKiB sums the master's and workers' resident memory.
func (n *nginx) rssKiB() int {
	total := rssKiB(n.cmd.Process.Pid)
	kids, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", n.cmd.Process.Pid, n.cmd.Process.Pid))
	for _, f := range strings.Fields(string(kids)) {
		if pid, err := strconv.Atoi(f); err == nil {
			total += rssKiB(pid)
		}
	}
	return total
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitListening(addr string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			return c.Close()
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}
