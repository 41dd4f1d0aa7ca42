package compat

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// TestPushClustering (go.push-clustering): two Go push consumers of one group share a topic; every message is
// consumed, and both members get queues.
func TestPushClustering(t *testing.T) {
	topic := createTopic(t, "go_cluster", 4)
	group := unique("gcg")
	c1 := startCollector(t, "c1", group, topic, nil)
	c2 := startCollector(t, "c2", group, topic, nil)
	p := newProducer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var ids []string
	// Keep sending rounds (8 messages over the 4 queues) until both members have consumed something: the
	// rebalance that gives c2 its queues happens on its own schedule.
	waitFor(t, "both members of the group consume", 60*time.Second, func() bool {
		for i := 0; i < 8; i++ {
			res, err := p.SendSync(ctx, primitive.NewMessage(topic, []byte(fmt.Sprintf("go cluster #%d", len(ids)))))
			if err != nil || res.Status != primitive.SendOK {
				t.Fatalf("send: %v %v", res, err)
			}
			ids = append(ids, res.MsgID)
		}
		time.Sleep(300 * time.Millisecond) // pacing of the rounds, not synchronisation
		return len(c1.deliveries()) > 0 && len(c2.deliveries()) > 0
	}, func() string {
		return fmt.Sprintf("c1 %d, c2 %d deliveries", len(c1.deliveries()), len(c2.deliveries()))
	})
	all := newSet()
	waitFor(t, "every message consumed by the group", deliveryTimeout, func() bool {
		for _, d := range append(c1.deliveries(), c2.deliveries()...) {
			all.add(d.msg.MsgId)
		}
		return all.containsAll(ids)
	}, func() string { return fmt.Sprintf("missing %d of %d", len(all.missing(ids)), len(ids)) })
}

// TestPushRetry (go.push-retry): ConsumeRetryLater sends the message back (CONSUMER_SEND_MSG_BACK); it is
// redelivered with ReconsumeTimes incremented until the consumer accepts it, and not after.
func TestPushRetry(t *testing.T) {
	topic := createTopic(t, "go_retry", 1)
	p := newProducer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	key := unique("grk")
	m := primitive.NewMessage(topic, []byte("go retry "+key))
	m.WithKeys([]string{key})
	res, err := p.SendSync(ctx, m)
	if err != nil || res.Status != primitive.SendOK {
		t.Fatalf("send: %v %v", res, err)
	}
	col := startCollector(t, "c1", unique("gcg"), topic, func(ctx context.Context, m *primitive.MessageExt) consumer.ConsumeResult {
		if m.GetKeys() != key || m.ReconsumeTimes >= 2 {
			return consumer.ConsumeSuccess
		}
		if cc, ok := primitive.GetConcurrentlyCtx(ctx); ok {
			cc.DelayLevelWhenNextConsume = 1 // 1 s instead of the broker's default level 3 (10 s)
		}
		return consumer.ConsumeRetryLater
	}, consumer.WithMaxReconsumeTimes(5))
	var mine []delivery
	// The first redelivery can take ~50 s on a fresh group: the broker creates %RETRY%group at the group's first
	// heartbeat, after the Go client looked its route up; the client learns it at its next route poll (30 s,
	// fixed in the Go client) and subscribes at its next rebalance (20 s).
	waitFor(t, "the original delivery and 2 redeliveries", 120*time.Second, func() bool {
		mine = mine[:0]
		for _, d := range col.deliveries() {
			if d.msg.GetKeys() == key {
				mine = append(mine, d)
			}
		}
		return len(mine) >= 3
	}, func() string { return fmt.Sprintf("%d deliveries", len(mine)) })
	for i, d := range mine[:3] {
		if int(d.msg.ReconsumeTimes) != i {
			t.Fatalf("delivery %d has ReconsumeTimes %d, want %d", i, d.msg.ReconsumeTimes, i)
		}
		if d.msg.Topic != topic {
			t.Fatalf("delivery %d shows topic %q, want the original %q", i, d.msg.Topic, topic)
		}
		if string(d.msg.Body) != "go retry "+key {
			t.Fatalf("body of delivery %d: %q", i, d.msg.Body)
		}
	}
	// Accepted at ReconsumeTimes 2: a sentinel sent afterwards to the same queue arrives, and nothing more of
	// the retried message (it would come from %RETRY%group within ~1 s if it had been sent back again).
	s, err := p.SendSync(ctx, primitive.NewMessage(topic, []byte("sentinel")))
	if err != nil {
		t.Fatalf("send sentinel: %v", err)
	}
	col.awaitIDs(t, "the sentinel", []string{s.MsgID}, deliveryTimeout)
	time.Sleep(3 * time.Second) // an observation window for an unwanted 4th delivery (delay level 1 = 1 s)
	n := 0
	for _, d := range col.deliveries() {
		if d.msg.GetKeys() == key {
			n++
		}
	}
	if n != 3 {
		t.Fatalf("the message was delivered %d times; want 3 (accepted on the third)", n)
	}
}
