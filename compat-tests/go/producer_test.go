package compat

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
)

const deliveryTimeout = 60 * time.Second

// TestSendSync (go.send-sync): SendSync results, and what the consumer receives (body, tag, keys, properties
// including non-ASCII), message by message.
func TestSendSync(t *testing.T) {
	topic := createTopic(t, "go_sync", 4)
	p := newProducer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sent := map[string]*primitive.Message{}
	var ids []string
	last := map[int]int64{}
	for i := 0; i < 12; i++ {
		m := primitive.NewMessage(topic, []byte(fmt.Sprintf("go sync #%d ✓", i)))
		m.WithTag("TagGo")
		m.WithKeys([]string{fmt.Sprintf("gk%d", i), "gk-common"})
		m.WithProperty("color", "grün")
		m.WithProperty("名前", "値")
		res, err := p.SendSync(ctx, m)
		if err != nil || res.Status != primitive.SendOK {
			t.Fatalf("SendSync #%d: %v %v", i, res, err)
		}
		if res.MsgID == "" || res.OffsetMsgID == "" || res.MessageQueue == nil || res.MessageQueue.Topic != topic {
			t.Fatalf("SendSync #%d: incomplete result %v", i, res)
		}
		if prev, ok := last[res.MessageQueue.QueueId]; ok && res.QueueOffset <= prev {
			t.Fatalf("queue offsets must grow within queue %d: %d then %d", res.MessageQueue.QueueId, prev, res.QueueOffset)
		}
		last[res.MessageQueue.QueueId] = res.QueueOffset
		sent[res.MsgID] = m
		ids = append(ids, res.MsgID)
	}
	col := startCollector(t, "c1", unique("gcg"), topic, nil)
	got := col.awaitIDs(t, "sync messages delivered", ids, deliveryTimeout)
	for id, m := range sent {
		g := got[id]
		if !bytes.Equal(g.Body, m.Body) {
			t.Fatalf("body of %s: sent %q got %q", id, m.Body, g.Body)
		}
		if g.GetTags() != "TagGo" || g.GetKeys() != m.GetKeys() {
			t.Fatalf("tag/keys of %s: got %q / %q, want TagGo / %q", id, g.GetTags(), g.GetKeys(), m.GetKeys())
		}
		if g.GetProperty("color") != "grün" || g.GetProperty("名前") != "値" {
			t.Fatalf("properties of %s: %v", id, g.GetProperties())
		}
	}
}

// TestSendAsync (go.send-async): every SendAsync callback succeeds and every message arrives.
func TestSendAsync(t *testing.T) {
	topic := createTopic(t, "go_async", 4)
	p := newProducer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	n := 30
	var wg sync.WaitGroup
	var mu sync.Mutex
	var ids, errs []string
	wg.Add(n)
	for i := 0; i < n; i++ {
		err := p.SendAsync(ctx, func(_ context.Context, res *primitive.SendResult, err error) {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			if err != nil || res.Status != primitive.SendOK {
				errs = append(errs, fmt.Sprintf("%v %v", res, err))
				return
			}
			ids = append(ids, res.MsgID)
		}, primitive.NewMessage(topic, []byte(fmt.Sprintf("go async #%d", i))))
		if err != nil {
			t.Fatalf("SendAsync #%d: %v", i, err)
		}
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatalf("async callbacks: not all %d arrived within 60 s", n)
	}
	if len(errs) > 0 {
		t.Fatalf("async sends failed: %v", errs)
	}
	startCollector(t, "c1", unique("gcg"), topic, nil).awaitIDs(t, "async messages delivered", ids, deliveryTimeout)
}

// TestSendOneWay (go.send-oneway): oneway sends (no response) all arrive.
func TestSendOneWay(t *testing.T) {
	topic := createTopic(t, "go_oneway", 4)
	p := newProducer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var keys []string
	for i := 0; i < 12; i++ {
		k := unique("gow")
		keys = append(keys, k)
		m := primitive.NewMessage(topic, []byte("go oneway "+k))
		m.WithKeys([]string{k})
		if err := p.SendOneWay(ctx, m); err != nil {
			t.Fatalf("SendOneWay #%d: %v", i, err)
		}
	}
	col := startCollector(t, "c1", unique("gcg"), topic, nil)
	gotKeys := newSet()
	waitFor(t, "oneway messages delivered", deliveryTimeout, func() bool {
		for _, d := range col.deliveries() {
			gotKeys.add(d.msg.GetKeys())
		}
		return gotKeys.containsAll(keys)
	}, func() string { return fmt.Sprintf("missing keys %v", gotKeys.missing(keys)) })
}

// TestSendBatch (go.send-batch): SendSync with several messages is one SEND_BATCH_MESSAGE; they take
// consecutive offsets of one queue, starting at the offset the result reports. (The Go client sets no UNIQ_KEY
// inside a batch, so its batch SendResult.MsgID is empty and consumers see offset msgIds: messages are matched by
// key here.)
func TestSendBatch(t *testing.T) {
	topic := createTopic(t, "go_batch", 4)
	p := newProducer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var msgs []*primitive.Message
	var keys []string
	for i := 0; i < 8; i++ {
		k := unique("gbk")
		keys = append(keys, k)
		m := primitive.NewMessage(topic, []byte(fmt.Sprintf("go batch #%d", i)))
		m.WithKeys([]string{k})
		msgs = append(msgs, m)
	}
	res, err := p.SendSync(ctx, msgs...)
	if err != nil || res.Status != primitive.SendOK || res.MessageQueue == nil {
		t.Fatalf("batch SendSync: %v %v", res, err)
	}
	col := startCollector(t, "c1", unique("gcg"), topic, nil)
	byKey := map[string]*primitive.MessageExt{}
	waitFor(t, "batch messages delivered", deliveryTimeout, func() bool {
		for _, d := range col.deliveries() {
			byKey[d.msg.GetKeys()] = d.msg
		}
		for _, k := range keys {
			if byKey[k] == nil {
				return false
			}
		}
		return true
	}, func() string { return fmt.Sprintf("%d of 8 delivered", len(byKey)) })
	for i, k := range keys {
		g := byKey[k]
		if g.Queue.QueueId != res.MessageQueue.QueueId || g.QueueOffset != res.QueueOffset+int64(i) {
			t.Fatalf("batch message %d: queue %d offset %d, want queue %d offset %d", i, g.Queue.QueueId, g.QueueOffset,
				res.MessageQueue.QueueId, res.QueueOffset+int64(i))
		}
		if string(g.Body) != fmt.Sprintf("go batch #%d", i) {
			t.Fatalf("body of batch message %d: %q", i, g.Body)
		}
	}
}

// TestBodySizes (go.body-sizes): 1 B, 1 KiB, 1 MiB and 4 MB bodies (compressed by the client over 4 KiB)
// arrive byte-identical.
func TestBodySizes(t *testing.T) {
	topic := createTopic(t, "go_body", 1)
	p := newProducer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sizes := []int{1, 1024, 1 << 20, 4000000}
	bodies := map[string][]byte{}
	var ids []string
	for _, n := range sizes {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte((i*31 + n + i/7) % 251)
		}
		res, err := p.SendSync(ctx, primitive.NewMessage(topic, b))
		if err != nil || res.Status != primitive.SendOK {
			t.Fatalf("send of a %d-byte body: %v %v", n, res, err)
		}
		bodies[res.MsgID] = b
		ids = append(ids, res.MsgID)
	}
	got := startCollector(t, "c1", unique("gcg"), topic, nil).awaitIDs(t, "bodies delivered", ids, deliveryTimeout)
	for id, b := range bodies {
		if !bytes.Equal(got[id].Body, b) {
			t.Fatalf("body of %d bytes arrived as %d bytes (msgId %s)", len(b), len(got[id].Body), id)
		}
	}
}

// TestBodyEmpty (go.body-empty): unlike the Java client, the Go client sends a 0-byte body, and Apache versions
// differ: a 4.9.7 broker stores and delivers it, a 5.5.0 broker refuses it (SYSTEM_ERROR from a
// NullPointerException on the null body). What every one of them guarantees, and this scenario pins: accepted
// means delivered as exactly 0 bytes; refused means never delivered.
func TestBodyEmpty(t *testing.T) {
	topic := createTopic(t, "go_body0", 1)
	p := newProducer(t, producer.WithRetry(0))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := p.SendSync(ctx, primitive.NewMessage(topic, []byte{}))
	accepted := err == nil && res != nil && res.Status == primitive.SendOK
	if accepted {
		t.Logf("0-byte body accepted at offset %d", res.QueueOffset)
	} else {
		t.Logf("0-byte body refused: %v", err)
	}
	// A 1-byte sentinel afterwards: once it is consumed, the 0-byte message (if stored) was consumed before it.
	s, err := p.SendSync(ctx, primitive.NewMessage(topic, []byte{7}))
	if err != nil || s.Status != primitive.SendOK {
		t.Fatalf("send sentinel: %v %v", s, err)
	}
	col := startCollector(t, "c1", unique("gcg"), topic, nil)
	col.awaitIDs(t, "the sentinel", []string{s.MsgID}, deliveryTimeout)
	if accepted {
		col.awaitIDs(t, "the accepted 0-byte message", []string{res.MsgID}, deliveryTimeout)
	}
	for _, d := range col.deliveries() {
		if d.msg.MsgId == s.MsgID {
			if !bytes.Equal(d.msg.Body, []byte{7}) {
				t.Fatalf("sentinel body %v", d.msg.Body)
			}
			continue
		}
		if !accepted {
			t.Fatalf("a refused 0-byte body was delivered: %v", d.msg)
		}
		if len(d.msg.Body) != 0 {
			t.Fatalf("the 0-byte message arrived with %d bytes", len(d.msg.Body))
		}
	}
}
