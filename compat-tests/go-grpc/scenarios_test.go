package gogrpc

// The scenarios of compat-tests/java/grpc-suites with the official Go gRPC client: each names the rule it checks.

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	rmq "github.com/apache/rocketmq-clients/golang/v5"
)

// Normal messages sent with Send arrive at a SimpleConsumer with their body, tag and keys; acked, they do not return.
func TestSendReceiveAck(t *testing.T) {
	needTarget(t)
	topic := newTopic(t, "gogrpc_normal", "NORMAL")
	group := newGroup(t, "gogrpc_normal_g", false)
	c := newConsumer(t, group, topic, rmq.SUB_ALL)
	p := newProducer(t, topic)
	const n = 5
	sent := map[string]string{}
	for i := 0; i < n; i++ {
		m := &rmq.Message{Topic: topic, Body: []byte(fmt.Sprintf("body-%d", i))}
		m.SetTag("TagA")
		m.SetKeys(fmt.Sprintf("key-%d", i))
		sent[send(t, p, m)] = fmt.Sprintf("body-%d", i)
	}
	got := map[string]bool{}
	receiveUntil(t, c, 60*time.Second, func(mv *rmq.MessageView) {
		want, ok := sent[mv.GetMessageId()]
		if !ok {
			t.Errorf("received a message that was not sent: %s", mv.GetMessageId())
			return
		}
		if string(mv.GetBody()) != want || mv.GetTag() == nil || *mv.GetTag() != "TagA" || len(mv.GetKeys()) != 1 {
			t.Errorf("message %s: body %q tag %v keys %v", mv.GetMessageId(), mv.GetBody(), mv.GetTag(), mv.GetKeys())
		}
		got[mv.GetMessageId()] = true
		ack(t, c, mv)
	}, func() bool { return len(got) == n })
	// Acked: nothing comes back within longer than one invisible duration.
	ctx, cancel := context.WithTimeout(context.Background(), invisibleDuration+awaitDuration+5*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		mvs, _ := c.Receive(ctx, 16, invisibleDuration)
		for _, mv := range mvs {
			t.Fatalf("acked message %s was delivered again (attempt %d)", mv.GetMessageId(), mv.GetDeliveryAttempt())
		}
	}
}

// ChangeInvisibleDuration shortens a received message's invisible time: it is delivered again, attempt 2.
func TestChangeInvisibleDurationRedelivers(t *testing.T) {
	needTarget(t)
	topic := newTopic(t, "gogrpc_inv", "NORMAL")
	group := newGroup(t, "gogrpc_inv_g", false)
	c := newConsumer(t, group, topic, rmq.SUB_ALL)
	p := newProducer(t, topic)
	id := send(t, p, &rmq.Message{Topic: topic, Body: []byte("again")})
	attempts := []int32{}
	receiveUntil(t, c, 60*time.Second, func(mv *rmq.MessageView) {
		if mv.GetMessageId() != id {
			return
		}
		attempts = append(attempts, mv.GetDeliveryAttempt())
		if len(attempts) == 1 {
			if err := c.ChangeInvisibleDuration(mv, 2*time.Second); err != nil {
				t.Fatalf("change invisible duration: %v", err)
			}
			return
		}
		ack(t, c, mv)
	}, func() bool { return len(attempts) >= 2 })
	if attempts[0] != 1 || attempts[1] != 2 {
		t.Fatalf("delivery attempts %v, want [1 2]", attempts)
	}
}

// A FIFO group receives each message group's messages in send order, the next only after the previous is acked.
func TestFifoMessageGroupOrder(t *testing.T) {
	needTarget(t)
	topic := newTopic(t, "gogrpc_fifo", "FIFO")
	group := newGroup(t, "gogrpc_fifo_g", true)
	c := newConsumer(t, group, topic, rmq.SUB_ALL)
	p := newProducer(t, topic)
	groups := []string{"g-a", "g-b"}
	const perGroup = 6
	for i := 0; i < perGroup; i++ {
		for _, g := range groups {
			m := &rmq.Message{Topic: topic, Body: []byte(fmt.Sprintf("%s:%d", g, i))}
			m.SetMessageGroup(g)
			send(t, p, m)
		}
	}
	order := map[string][]string{}
	total := 0
	receiveUntil(t, c, 90*time.Second, func(mv *rmq.MessageView) {
		g := mv.GetMessageGroup()
		if g == nil {
			t.Fatalf("message %s has no message group", mv.GetMessageId())
		}
		order[*g] = append(order[*g], string(mv.GetBody()))
		total++
		ack(t, c, mv)
	}, func() bool { return total >= perGroup*len(groups) })
	for _, g := range groups {
		for i, b := range order[g] {
			if want := fmt.Sprintf("%s:%d", g, i); b != want {
				t.Fatalf("group %s received %v, want %s at %d (send order)", g, order[g], want, i)
			}
		}
	}
}

// A message with SetDelayTimestamp is not delivered before its delivery time.
func TestDelayTimestamp(t *testing.T) {
	needTarget(t)
	topic := newTopic(t, "gogrpc_delay", "DELAY")
	group := newGroup(t, "gogrpc_delay_g", false)
	c := newConsumer(t, group, topic, rmq.SUB_ALL)
	p := newProducer(t, topic)
	const delay = 5 * time.Second
	m := &rmq.Message{Topic: topic, Body: []byte("later")}
	at := time.Now().Add(delay)
	m.SetDelayTimestamp(at)
	id := send(t, p, m)
	var got time.Time
	receiveUntil(t, c, 60*time.Second, func(mv *rmq.MessageView) {
		if mv.GetMessageId() == id {
			got = time.Now()
			ack(t, c, mv)
		}
	}, func() bool { return !got.IsZero() })
	// The delivery time is the broker's clock on the same machine; 1 s of slack for clock reads.
	if got.Before(at.Add(-time.Second)) {
		t.Fatalf("delivered %v before its delivery time", at.Sub(got))
	}
}

// A transactional message is invisible until Commit, then delivered once.
func TestTransactionCommit(t *testing.T) {
	needTarget(t)
	topic := newTopic(t, "gogrpc_tx", "TRANSACTION")
	group := newGroup(t, "gogrpc_tx_g", false)
	c := newConsumer(t, group, topic, rmq.SUB_ALL)
	p := newProducer(t, topic, rmq.WithTransactionChecker(&rmq.TransactionChecker{
		Check: func(*rmq.MessageView) rmq.TransactionResolution { return rmq.COMMIT },
	}))
	tx := p.BeginTransaction()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := p.SendWithTransaction(ctx, &rmq.Message{Topic: topic, Body: []byte("tx")}, tx)
	if err != nil || len(r) != 1 {
		t.Fatalf("send half message: %v %v", r, err)
	}
	// Half message: not delivered before the commit.
	pctx, pcancel := context.WithTimeout(context.Background(), awaitDuration+5*time.Second)
	if mvs, _ := c.Receive(pctx, 16, invisibleDuration); len(mvs) > 0 {
		pcancel()
		t.Fatalf("half message %s delivered before commit", mvs[0].GetMessageId())
	}
	pcancel()
	if err := tx.Commit(); err != nil {
		t.Fatalf("commit: %v", err)
	}
	var got int
	receiveUntil(t, c, 60*time.Second, func(mv *rmq.MessageView) {
		if mv.GetMessageId() == r[0].MessageID {
			got++
			ack(t, c, mv)
		}
	}, func() bool { return got > 0 })
}

// A tag filter delivers only the matching tags ("TagA || TagC"), the others never.
func TestTagFilter(t *testing.T) {
	needTarget(t)
	topic := newTopic(t, "gogrpc_tag", "NORMAL")
	group := newGroup(t, "gogrpc_tag_g", false)
	c := newConsumer(t, group, topic, rmq.NewFilterExpressionWithType("TagA || TagC", rmq.TAG))
	p := newProducer(t, topic)
	want := map[string]bool{}
	for i, tag := range []string{"TagA", "TagB", "TagC", "TagB", "TagA"} {
		m := &rmq.Message{Topic: topic, Body: []byte(fmt.Sprintf("%s-%d", tag, i))}
		m.SetTag(tag)
		id := send(t, p, m)
		if tag != "TagB" {
			want[id] = true
		}
	}
	var mu sync.Mutex
	got := map[string]bool{}
	receiveUntil(t, c, 60*time.Second, func(mv *rmq.MessageView) {
		mu.Lock()
		defer mu.Unlock()
		if mv.GetTag() == nil || *mv.GetTag() == "TagB" {
			t.Fatalf("filter TagA || TagC delivered tag %v", mv.GetTag())
		}
		got[mv.GetMessageId()] = true
		ack(t, c, mv)
	}, func() bool { return len(got) == len(want) })
	for id := range want {
		if !got[id] {
			t.Fatalf("message %s (TagA/TagC) not delivered", id)
		}
	}
}
