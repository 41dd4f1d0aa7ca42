// Package compat drives the OFFICIAL Go client (github.com/apache/rocketmq-client-go/v2) against a target
// NameServer: Apache RocketMQ (to prove the suite right) or Apogee.
//
//	go test -json -count=1 ./... -args -namesrv 127.0.0.1:9876 [-brokeraddr 127.0.0.1:10911] [-workdir DIR]
//
// -namesrv defaults to $COMPAT_NAMESRV. Each test is one scenario; the harness (compat-tests/runner/go-suite.ts)
// reports TestSendSync as "go.send-sync", and so on.
package compat

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/rlog"
)

var (
	namesrvFlag    = flag.String("namesrv", os.Getenv("COMPAT_NAMESRV"), "target NameServer host:port (default $COMPAT_NAMESRV)")
	brokerAddrFlag = flag.String("brokeraddr", os.Getenv("COMPAT_BROKER"), "target master broker host:port, for admin topic creation (optional)")
	workdirFlag    = flag.String("workdir", os.Getenv("COMPAT_WORKDIR"), "directory for client logs (default: a temp dir)")
	runTag         = fmt.Sprintf("%x", time.Now().UnixNano()%0xffffffff)
	seq            int64
)

func TestMain(m *testing.M) {
	flag.Parse()
	if *namesrvFlag == "" {
		fmt.Fprintln(os.Stderr, "compat: -namesrv host:port (or $COMPAT_NAMESRV) is required")
		os.Exit(2)
	}
	dir := *workdirFlag
	if dir == "" {
		d, err := os.MkdirTemp("", "apogee-compat-go-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		dir = d
	}
	_ = os.MkdirAll(dir, 0o755)
	// The client logs at info to stdout by default, which would drown the test output: keep warnings, in a file.
	rlog.SetLogLevel("warn")
	if err := rlog.SetOutputPath(filepath.Join(dir, "rocketmq-client-go.log")); err != nil {
		fmt.Fprintln(os.Stderr, "compat: cannot set the client log path:", err)
	}
	os.Exit(m.Run())
}

func namesrvs() []string {
	return strings.Split(*namesrvFlag, ";")
}

// unique returns a fresh resource name (topic, group, instance, key).
func unique(prefix string) string {
	return fmt.Sprintf("%s_go%s_%d", prefix, runTag, atomic.AddInt64(&seq, 1))
}

// waitFor polls cond every 100 ms until it is true, or fails the test after timeout with what and state().
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool, state func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for: %s\nstate: %s", timeout, what, state())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// set is a small concurrent string set.
type set struct {
	mu sync.Mutex
	m  map[string]int
}

func newSet() *set { return &set{m: map[string]int{}} }

func (s *set) add(k string) {
	s.mu.Lock()
	s.m[k]++
	s.mu.Unlock()
}

func (s *set) count(k string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[k]
}

func (s *set) size() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

func (s *set) containsAll(keys []string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		if s.m[k] == 0 {
			return false
		}
	}
	return true
}

func (s *set) missing(keys []string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, k := range keys {
		if s.m[k] == 0 {
			out = append(out, k)
		}
	}
	return out
}
