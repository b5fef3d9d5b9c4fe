package bench

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// memWatch polls /proc for provider processes whose executable lies under
// root (the bench's own provider build, never another run's) and records
// the highest VmHWM (peak resident set size) any of them reached.
type memWatch struct {
	root string
	stop chan struct{}
	done sync.WaitGroup

	mu      sync.Mutex
	peakKiB int64
	pids    map[int]bool
	ticks   map[int]int64 // utime+stime per process, in clock ticks
	others  map[int]bool  // processes that are not a provider (only scan touches it)
}

// memPollInterval keeps the watch cheap: it runs on the machine it measures.
const memPollInterval = 50 * time.Millisecond

func watchMemory(root string) *memWatch {
	m := &memWatch{root: root, stop: make(chan struct{}), pids: map[int]bool{}, ticks: map[int]int64{}, others: map[int]bool{}}
	m.done.Add(1)
	go func() {
		defer m.done.Done()
		t := time.NewTicker(memPollInterval)
		defer t.Stop()
		for {
			m.scan()
			select {
			case <-m.stop:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

// Stop ends the watch and returns the peak VmHWM in KiB, the number of
// provider processes seen and their CPU time (as last sampled).
func (m *memWatch) Stop() (int64, int, time.Duration) {
	close(m.stop)
	m.done.Wait()
	m.mu.Lock()
	defer m.mu.Unlock()
	var ticks int64
	for _, t := range m.ticks {
		ticks += t
	}
	return m.peakKiB, len(m.pids), time.Duration(ticks) * time.Second / clockTicks
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times; 100 on Linux.
const clockTicks = 100

func (m *memWatch) scan() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || m.others[pid] {
			continue
		}
		dir := filepath.Join("/proc", e.Name())
		comm, err := os.ReadFile(filepath.Join(dir, "comm"))
		if err != nil || !strings.HasPrefix(string(comm), "terraform-provi") {
			// A process is looked at once, unless it may still exec the
			// provider (terraform forks and then execs it).
			if err == nil && !strings.HasPrefix(string(comm), "terraform") {
				m.others[pid] = true
			}
			continue
		}
		exe, err := os.Readlink(filepath.Join(dir, "exe"))
		if err != nil || !strings.HasPrefix(exe, m.root) {
			continue
		}
		hwm, ok := vmHWM(filepath.Join(dir, "status"))
		if !ok {
			continue
		}
		ticks, tok := cpuTicks(filepath.Join(dir, "stat"))
		m.mu.Lock()
		m.pids[pid] = true
		m.peakKiB = max(m.peakKiB, hwm)
		if tok {
			m.ticks[pid] = ticks
		}
		m.mu.Unlock()
	}
}

// vmHWM reads "VmHWM:   12345 kB" from /proc/PID/status.
func vmHWM(path string) (int64, bool) {
	v, ok := procField(path, "VmHWM")
	fields := strings.Fields(v)
	if !ok || len(fields) == 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(fields[0], 10, 64)
	return n, err == nil
}

// cpuTicks reads utime+stime (fields 14 and 15) from /proc/PID/stat.
func cpuTicks(path string) (int64, bool) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	// The command name (field 2) may contain spaces; fields after it do not.
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	k, err2 := strconv.ParseInt(f[12], 10, 64)
	return u + k, err1 == nil && err2 == nil
}
