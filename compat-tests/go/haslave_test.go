//go:build haslave

package compat

import (
	"flag"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
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
