//go:build e2e

package labtest

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// loadBalancer is the lab's HAProxy (LB=1): its frontend and stats socket.
type loadBalancer struct {
	url    string // http://10.231.0.1:8080
	socket string // unix socket, under the lab's state directory
}

// openLB reads .lab/lb-addr and .lab/lb-socket; the frontend must be on the
// lab's bridge.
func (l *lab) openLB() (loadBalancer, error) {
	var lb loadBalancer
	addr, err := os.ReadFile(filepath.Join(l.dir, "lb-addr"))
	if err != nil {
		return lb, fmt.Errorf("%w (start the lab with LB=1)", err)
	}
	sock, err := os.ReadFile(filepath.Join(l.dir, "lb-socket"))
	if err != nil {
		return lb, fmt.Errorf("%w (start the lab with LB=1)", err)
	}
	lb.url, lb.socket = strings.TrimSpace(string(addr)), strings.TrimSpace(string(sock))
	if err := l.checkURL(lb.url); err != nil {
		return lb, fmt.Errorf("load balancer: %w", err)
	}
	return lb, nil
}

// command sends one command to the stats socket and returns its answer.
func (lb loadBalancer) command(cmd string) (string, error) {
	c, err := net.DialTimeout("unix", lb.socket, 2*time.Second)
	if err != nil {
		return "", fmt.Errorf("haproxy stats socket: %w", err)
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(3 * time.Second)); err != nil {
		return "", err
	}
	if _, err := c.Write([]byte(cmd + "\n")); err != nil {
		return "", fmt.Errorf("haproxy %s: %w", cmd, err)
	}
	b, err := io.ReadAll(c)
	if err != nil {
		return "", fmt.Errorf("haproxy %s: %w", cmd, err)
	}
	return string(b), nil
}

// lbServer is one server of HAProxy's backend hello that has an address.
type lbServer struct {
	Name, Addr, Status string
	Weight             int // HAProxy's effective weight (0-256)
	Total              int // requests sent to it so far (stot)
}

// servers asks the stats socket ("show stat") for the hello backend's
// servers with an address, keyed by address:port.
func (lb loadBalancer) servers() (map[string]lbServer, error) {
	c, err := net.DialTimeout("unix", lb.socket, 2*time.Second)
	if err != nil {
		return nil, fmt.Errorf("haproxy stats socket: %w", err)
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(3 * time.Second)); err != nil {
		return nil, err
	}
	if _, err := c.Write([]byte("show stat\n")); err != nil {
		return nil, fmt.Errorf("haproxy stats socket: %w", err)
	}
	r := csv.NewReader(bufio.NewReader(c))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil || len(rows) == 0 {
		return nil, fmt.Errorf("haproxy show stat: %v rows, %w", len(rows), err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[strings.TrimPrefix(name, "# ")] = i
	}
	for _, k := range []string{"pxname", "svname", "status", "weight", "addr", "stot"} {
		if _, ok := col[k]; !ok {
			return nil, fmt.Errorf("haproxy show stat: no column %s", k)
		}
	}
	out := map[string]lbServer{}
	for _, row := range rows[1:] {
		if len(row) <= col["addr"] || row[col["pxname"]] != serviceName {
			continue
		}
		s := lbServer{Name: row[col["svname"]], Addr: row[col["addr"]], Status: row[col["status"]]}
		if s.Name == "FRONTEND" || s.Name == "BACKEND" || s.Addr == "" {
			continue
		}
		if s.Weight, err = strconv.Atoi(row[col["weight"]]); err != nil {
			return nil, fmt.Errorf("haproxy show stat: %s weight %q", s.Name, row[col["weight"]])
		}
		if s.Total, err = strconv.Atoi(row[col["stot"]]); err != nil {
			return nil, fmt.Errorf("haproxy show stat: %s stot %q", s.Name, row[col["stot"]])
		}
		out[s.Addr] = s
	}
	return out, nil
}
