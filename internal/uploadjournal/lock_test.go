package uploadjournal

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// holdLockEnv makes the test binary a lock holder (see TestMain).
const holdLockEnv = "CFAOP_UPLOADJOURNAL_HOLD_LOCK"

// TestMain turns the test binary, re-executed with holdLockEnv set to a
// path, into a process that takes the lock on that path, says so on stdout
// and holds it until it is killed or its stdin closes.
func TestMain(m *testing.M) {
	if path := os.Getenv(holdLockEnv); path != "" {
		if _, err := lockFile(context.Background(), path, lockWait); err != nil {
			_, _ = os.Stdout.WriteString("error: " + err.Error() + "\n")
			os.Exit(2)
		}
		_, _ = os.Stdout.WriteString("locked\n")
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestLockFile_excludesOtherHandles(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), lockName)
	ctx := context.Background()
	unlock, err := lockFile(ctx, path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	// A second handle in the same process is refused while the first holds it.
	if _, err := lockFile(ctx, path, 50*time.Millisecond); err == nil || !strings.Contains(err.Error(), "still held") {
		t.Fatalf("second lock while held: %v, want a refusal", err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := lockFile(canceled, path, time.Second); !errors.Is(err, context.Canceled) {
		t.Fatalf("lock with a canceled context: %v, want context.Canceled", err)
	}
	unlock()
	again, err := lockFile(ctx, path, time.Second)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	again()
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("lock file %v (%v), want mode 0600", st, err)
	}
}

// A Terraform run killed while it holds the lock does not block the next
// one: the operating system releases the lock with the process.
func TestLockFile_releasedWhenHolderIsKilled(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), lockName)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	holder := exec.Command(exe, "-test.run=^$")
	holder.Env = append(os.Environ(), holdLockEnv+"="+path)
	stdin, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = stdin.Close() }()
	stdout, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		_ = holder.Process.Kill()
		_ = holder.Wait()
		t.Fatalf("holder said %q (%v), want \"locked\"", line, err)
	}
	ctx := context.Background()
	if _, err := lockFile(ctx, path, 50*time.Millisecond); err == nil || !strings.Contains(err.Error(), "still held") {
		t.Fatalf("lock while another process holds it: %v, want a refusal", err)
	}
	if err := holder.Process.Kill(); err != nil { // SIGKILL on Unix: no chance to unlock
		t.Fatal(err)
	}
	if err := holder.Wait(); err == nil {
		t.Fatal("the holder ended normally instead of being killed")
	}
	unlock, err := lockFile(ctx, path, time.Second)
	if err != nil {
		t.Fatalf("lock after its holder was killed: %v", err)
	}
	unlock()
}
