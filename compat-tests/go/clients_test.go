package compat

import (
	"context"
	"sync"
	"testing"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/admin"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
)

// newProducer starts an official Go producer with its own instance name (a separate client per producer).
func newProducer(t *testing.T, opts ...producer.Option) rocketmq.Producer {
	t.Helper()
	all := append([]producer.Option{
		producer.WithNsResolver(primitive.NewPassthroughResolver(namesrvs())),
		producer.WithGroupName(unique("gpg")),
		producer.WithInstanceName(unique("gp")),
		producer.WithRetry(2),
		producer.WithSendMsgTimeout(15 * time.Second),
	}, opts...)
	p, err := rocketmq.NewProducer(all...)
	if err != nil {
		t.Fatalf("new producer: %v", err)
	}
	if err := p.Start(); err != nil {
		t.Fatalf("start producer: %v", err)
	}
	t.Cleanup(func() { _ = p.Shutdown() })
	return p
}

func newAdmin(t *testing.T) admin.Admin {
	t.Helper()
	a, err := admin.NewAdmin(admin.WithResolver(primitive.NewPassthroughResolver(namesrvs())))
	if err != nil {
		t.Fatalf("new admin: %v", err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a
}

// createTopic creates a topic with `queues` read/write queues on the target broker (UPDATE_AND_CREATE_TOPIC via
// the Go admin) and waits until the NameServer routes it with that many queues.
func createTopic(t *testing.T, prefix string, queues int) string {
	t.Helper()
	if *brokerAddrFlag == "" {
		t.Skip("needs -brokeraddr (the target's master broker) to create topics with the Go admin")
	}
	a := newAdmin(t)
	topic := unique(prefix)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := a.CreateTopic(ctx, admin.WithTopicCreate(topic), admin.WithBrokerAddrCreate(*brokerAddrFlag),
		admin.WithReadQueueNums(queues), admin.WithWriteQueueNums(queues)); err != nil {
		t.Fatalf("create topic %s on %s: %v", topic, *brokerAddrFlag, err)
	}
	var last []*primitive.MessageQueue
	var lastErr error
	waitFor(t, "route of "+topic+" at the NameServer", 30*time.Second, func() bool {
		last, lastErr = a.FetchPublishMessageQueues(context.Background(), topic)
		return lastErr == nil && len(last) == queues
	}, func() string { return describeQueues(last, lastErr) })
	return topic
}

func describeQueues(q []*primitive.MessageQueue, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	s := ""
	for _, m := range q {
		s += m.String() + " "
	}
	return s
}

// delivery is one call of the consume callback for one message.
type delivery struct {
	consumer string
	msg      *primitive.MessageExt
	at       time.Time
}

// collector is an official Go push consumer that records every delivery; handle decides each result.
type collector struct {
	name   string
	c      rocketmq.PushConsumer
	mu     sync.Mutex
	ds     []delivery
	byID   *set
	handle func(ctx context.Context, m *primitive.MessageExt) consumer.ConsumeResult
}

func startCollector(t *testing.T, name, group, topic string, handle func(ctx context.Context, m *primitive.MessageExt) consumer.ConsumeResult, opts ...consumer.Option) *collector {
	t.Helper()
	return startSelectorCollector(t, name, group, topic, consumer.MessageSelector{Type: consumer.TAG, Expression: "*"}, handle, opts...)
}

// startSelectorCollector is startCollector with a subscription of any type (TAG or SQL92).
func startSelectorCollector(t *testing.T, name, group, topic string, sel consumer.MessageSelector, handle func(ctx context.Context, m *primitive.MessageExt) consumer.ConsumeResult, opts ...consumer.Option) *collector {
	t.Helper()
	col := &collector{name: name, byID: newSet(), handle: handle}
	all := append([]consumer.Option{
		consumer.WithNsResolver(primitive.NewPassthroughResolver(namesrvs())),
		consumer.WithGroupName(group),
		consumer.WithInstance(unique("gc")),
		consumer.WithConsumerModel(consumer.Clustering),
		consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset),
		consumer.WithConsumeMessageBatchMaxSize(1),
	}, opts...)
	c, err := rocketmq.NewPushConsumer(all...)
	if err != nil {
		t.Fatalf("new push consumer: %v", err)
	}
	err = c.Subscribe(topic, sel,
		func(ctx context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
			result := consumer.ConsumeSuccess
			for _, m := range msgs {
				col.mu.Lock()
				col.ds = append(col.ds, delivery{consumer: name, msg: m, at: time.Now()})
				col.mu.Unlock()
				col.byID.add(m.MsgId)
				if col.handle != nil && col.handle(ctx, m) == consumer.ConsumeRetryLater {
					result = consumer.ConsumeRetryLater
				}
			}
			return result, nil
		})
	if err != nil {
		t.Fatalf("subscribe %s: %v", topic, err)
	}
	if err := c.Start(); err != nil {
		t.Fatalf("start push consumer: %v", err)
	}
	col.c = c
	t.Cleanup(func() { _ = c.Shutdown() })
	return col
}

func (c *collector) deliveries() []delivery {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]delivery(nil), c.ds...)
}

func (c *collector) awaitIDs(t *testing.T, what string, ids []string, timeout time.Duration) map[string]*primitive.MessageExt {
	t.Helper()
	waitFor(t, what, timeout, func() bool { return c.byID.containsAll(ids) }, func() string {
		m := c.byID.missing(ids)
		if len(m) > 3 {
			m = m[:3]
		}
		return c.name + " misses " + itoa(len(c.byID.missing(ids))) + " of " + itoa(len(ids)) + ", e.g. " + join(m)
	})
	out := map[string]*primitive.MessageExt{}
	for _, d := range c.deliveries() {
		if _, ok := out[d.msg.MsgId]; !ok {
			out[d.msg.MsgId] = d.msg
		}
	}
	return out
}

func itoa(i int) string { return fmtInt(i) }
