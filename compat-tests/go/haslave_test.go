//go:build haslave

package compat

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
)

// HaSlavePullBatch is the consumer's pull batch size, in messages (the orchestrators use the same number).
const HaSlavePullBatch = 4

// Issue 13: the official Go push consumer keeps reading, from the SLAVE, after its master died. Built only with
// `-tags haslave` (lib/ha/slave-read.compat.test.ts builds and drives it): the orchestrator sends messages
// "ha-slave #0".."#<first-1>" to the master; this consumer reads them (from the master) and writes the file
// -haslave-ready; the orchestrator then stops this process (SIGSTOP), sends "#<first>".."#<count-1>", waits until
// the slave holds them, SIGKILLs the master and resumes this process (SIGCONT): those messages can only come
// from the slave. Every body must be consumed (duplicates allowed: at-least-once).
//
// rocketmq-client-go/v2 finds a queue's starting offset on the master only (remoteBrokerOffsetStore
// #fetchConsumeOffsetFromBroker uses FindBrokerAddrByName), so a Go consumer that starts after its master died
// cannot begin a queue; pulls themselves go to the slave (FindBrokerAddressInSubscribe). Hence this order.
var (
	haSlaveTopic = flag.String("haslave-topic", "", "topic")
	haSlaveFirst = flag.Int("haslave-first", 0, "messages sent before the consumer starts (read from the master)")
	haSlaveCount = flag.Int("haslave-count", 0, "all messages; those after -haslave-first come from the slave")
	haSlaveReady = flag.String("haslave-ready", "", "file written once the first messages are consumed")
)

func bodies(from, to int) []string {
	out := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("ha-slave #%d", i))
	}
	return out
}

func TestHaSlaveConsume(t *testing.T) {
	if *haSlaveTopic == "" || *haSlaveFirst <= 0 || *haSlaveCount <= *haSlaveFirst || *haSlaveReady == "" {
		t.Fatal("-haslave-topic, -haslave-first, -haslave-count and -haslave-ready are required (run by lib/ha/slave-read.compat.test.ts)")
	}
	// Small pulls (4 messages): a pull the master answers into this stopped process's socket before it dies holds
	// few messages, so the orchestrator can tell that the rest came from the slave.
	col := startCollector(t, "slave-reader", unique("gha"), *haSlaveTopic, nil, consumer.WithPullBatchSize(HaSlavePullBatch))
	got := newSet()
	consumed := func(want []string) func() bool {
		return func() bool {
			for _, d := range col.deliveries() {
				got.add(string(d.msg.Body))
			}
			return got.containsAll(want)
		}
	}
	first := bodies(0, *haSlaveFirst)
	waitFor(t, "the first messages consumed from the master", deliveryTimeout, consumed(first),
		func() string { return fmt.Sprintf("missing %d of %d", len(got.missing(first)), len(first)) })
	if err := os.WriteFile(*haSlaveReady, []byte("ready\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	all := bodies(0, *haSlaveCount)
	// The route refresh (30 s in the Go client) may be needed before pulls leave the dead master.
	waitFor(t, "every message consumed, the last ones from the slave", 3*time.Minute, consumed(all),
		func() string { return fmt.Sprintf("missing %d of %d", len(got.missing(all)), len(all)) })
}

// TestHaSlaveReadWhenLagging: -haslave-count messages are already on the master when this consumer starts; with
// slaveReadEnable and a lagging consumer the master's pull answers suggest the slave (whichBrokerWhenConsumeSlowly)
// and the client pulls there (the orchestrator checks the slave's pull statistics). Every body must be consumed.
func TestHaSlaveReadWhenLagging(t *testing.T) {
	if *haSlaveTopic == "" || *haSlaveCount <= 0 {
		t.Fatal("-haslave-topic and -haslave-count are required (run by lib/ha/slave-read.compat.test.ts)")
	}
	col := startCollector(t, "lagging-reader", unique("ghl"), *haSlaveTopic, nil, consumer.WithPullBatchSize(HaSlavePullBatch))
	got := newSet()
	all := bodies(0, *haSlaveCount)
	waitFor(t, "every message consumed", 2*time.Minute, func() bool {
		for _, d := range col.deliveries() {
			got.add(string(d.msg.Body))
		}
		return got.containsAll(all)
	}, func() string { return fmt.Sprintf("missing %d of %d", len(got.missing(all)), len(all)) })
}

// Issue 13, the master restarted: TestHaRestartProducer and TestHaRestartConsumer run as two processes of this
// binary, driven by lib/ha/master-restart.compat.test.ts through files in -haslave-ctl. The producer sends
// "ha-restart #i" one at a time until the file "stop" appears, writing "progress" (acked, failed, ackedAfterRestart)
// after every attempt; an acknowledged send counts as after the restart when the orchestrator's file "restarted"
// existed before it started. At the end it writes every acknowledged body to "acked" and every attempted body to
// "attempted" (a failed send may still have been stored). The consumer writes "consumed" (unique bodies so far) to
// "progress-consumer" while it runs; once "drain" appears it waits until every body of "acked" is consumed and
// writes "consumed.txt": one line per consumed body, "<count> <body>".
var haSlaveCtl = flag.String("haslave-ctl", "", "control directory of the master-restart scenario")

func ctlFile(name string) string { return filepath.Join(*haSlaveCtl, name) }

func ctlExists(name string) bool {
	_, err := os.Stat(ctlFile(name))
	return err == nil
}

// writeAtomic replaces a control file whole (write then rename), so the orchestrator never reads half of it.
func writeAtomic(t *testing.T, name, text string) {
	tmp := ctlFile(name + ".tmp")
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, ctlFile(name)); err != nil {
		t.Fatal(err)
	}
}

func TestHaRestartProducer(t *testing.T) {
	if *haSlaveTopic == "" || *haSlaveCtl == "" {
		t.Fatal("-haslave-topic and -haslave-ctl are required (run by lib/ha/master-restart.compat.test.ts)")
	}
	// No retries inside the client: every attempt is one body here, so "attempted" lists all that may be stored.
	p := newProducer(t, producer.WithRetry(0), producer.WithSendMsgTimeout(5*time.Second))
	var acked, attempted []string
	failed, afterRestart := 0, 0
	for i := 0; !ctlExists("stop"); i++ {
		restarted := ctlExists("restarted")
		body := fmt.Sprintf("ha-restart #%d", i)
		attempted = append(attempted, body)
		r, err := p.SendSync(context.Background(), primitive.NewMessage(*haSlaveTopic, []byte(body)))
		if err == nil && r.Status == primitive.SendOK {
			acked = append(acked, body)
			if restarted {
				afterRestart++
			}
			time.Sleep(10 * time.Millisecond)
		} else {
			failed++
			time.Sleep(200 * time.Millisecond)
		}
		writeAtomic(t, "progress", fmt.Sprintf("%d %d %d\n", len(acked), failed, afterRestart))
	}
	writeAtomic(t, "attempted", strings.Join(attempted, "\n")+"\n")
	writeAtomic(t, "acked", strings.Join(acked, "\n")+"\n")
}

func TestHaRestartConsumer(t *testing.T) {
	if *haSlaveTopic == "" || *haSlaveCtl == "" {
		t.Fatal("-haslave-topic and -haslave-ctl are required (run by lib/ha/master-restart.compat.test.ts)")
	}
	col := startCollector(t, "restart-reader", unique("ghr"), *haSlaveTopic, nil, consumer.WithPullBatchSize(HaSlavePullBatch))
	got := newSet()
	seen := 0
	update := func() {
		ds := col.deliveries()
		for _, d := range ds[seen:] {
			got.add(string(d.msg.Body))
		}
		seen = len(ds)
	}
	for !ctlExists("drain") {
		update()
		writeAtomic(t, "progress-consumer", fmt.Sprintf("%d\n", got.size()))
		time.Sleep(100 * time.Millisecond)
	}
	text, err := os.ReadFile(ctlFile("acked"))
	if err != nil {
		t.Fatal(err)
	}
	var acked []string
	for _, line := range strings.Split(string(text), "\n") {
		if line != "" {
			acked = append(acked, line)
		}
	}
	waitFor(t, "every acknowledged message consumed", 3*time.Minute, func() bool { update(); return got.containsAll(acked) },
		func() string { return fmt.Sprintf("missing %d of %d", len(got.missing(acked)), len(acked)) })
	got.mu.Lock()
	lines := make([]string, 0, len(got.m))
	for body, n := range got.m {
		lines = append(lines, fmt.Sprintf("%d %s", n, body))
	}
	got.mu.Unlock()
	writeAtomic(t, "consumed.txt", strings.Join(lines, "\n")+"\n")
}
