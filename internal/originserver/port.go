package originserver

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Ports below the ephemeral range that FreePort picks from. A listener on
// port 0 anywhere on the machine (a test's HTTP server, an emulator) gets its
// port from the kernel's ephemeral range (ip_local_port_range), and so could
// take a port between FreePort's check and the web server's bind; a port
// below that range is taken only by a bind that names it.
const lowestPort = 10000

var (
	handedOutMu sync.Mutex
	handedOut   = map[int]bool{} // this process never hands a port out twice
)

// FreePort returns a loopback port that was free a moment ago, below the
// kernel's ephemeral range when that range leaves room for one; otherwise one
// the kernel picks. Start then makes sure that the server it started is the
// one listening there.
func FreePort() (int, error) {
	low := ephemeralLow()
	handedOutMu.Lock()
	defer handedOutMu.Unlock()
	for range 100 {
		port := 0
		if low > lowestPort+1000 {
			port = lowestPort + rand.IntN(low-lowestPort)
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		port = l.Addr().(*net.TCPAddr).Port
		if err := l.Close(); err != nil {
			return 0, err
		}
		if !handedOut[port] {
			handedOut[port] = true
			return port, nil
		}
	}
	return 0, errors.New("no free loopback port found in 100 tries")
}

// ephemeralLow is the first port of the kernel's ephemeral range, or 32768
// (Linux's default) where /proc does not say.
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return 32768
	}
	low, err := strconv.Atoi(f[0])
	if err != nil {
		return 32768
	}
	return low
}

// errUnknownOwner: the system does not show which process listens on a port
// (no /proc, as outside Linux).
var errUnknownOwner = errors.New("cannot tell which process listens on the port")

// listensOn reports whether process pid holds a listening TCP socket on
// port, from /proc/net/tcp and the process's file descriptors. nginx and
// Apache bind in their master process, the one Start runs. Any IPv4 address
// will do: the kernel prints it in host byte order, and a listener on the
// port that is not the server's is not the server's at any address.
func listensOn(pid, port int) (bool, error) {
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		return false, errUnknownOwner
	}
	suffix := fmt.Sprintf(":%04X", port)
	inodes := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		// sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
		if len(f) >= 10 && strings.HasSuffix(f[1], suffix) && f[3] == "0A" { // 0A: LISTEN
			inodes["socket:["+f[9]+"]"] = true
		}
	}
	if len(inodes) == 0 {
		return false, nil
	}
	fds, err := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", pid))
	if err != nil {
		return false, err
	}
	for _, fd := range fds {
		if target, err := os.Readlink(fd); err == nil && inodes[target] {
			return true, nil
		}
	}
	return false, nil
}
