package compat

import (
	"context"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// TestRouteResolution (go.route-resolution): the Go client resolves routes through the target NameServer
// (GET_ROUTEINFO_BY_TOPIC, whose brokerAddrs the Go client parses by hand), for TBW102, a created topic, an
// auto-created topic, and an unknown topic.
func TestRouteResolution(t *testing.T) {
	a := newAdmin(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	tbw, err := a.FetchPublishMessageQueues(ctx, "TBW102")
	if err != nil || len(tbw) == 0 {
		t.Fatalf("route of TBW102: %v %s", err, describeQueues(tbw, nil))
	}
	for _, q := range tbw {
		if q.BrokerName == "" || q.Topic != "TBW102" {
			t.Fatalf("TBW102 queue without broker name or with a wrong topic: %s", q)
		}
	}

	topic := createTopic(t, "go_route", 4)
	qs, err := a.FetchPublishMessageQueues(ctx, topic)
	if err != nil || len(qs) != 4 {
		t.Fatalf("route of %s: want 4 queues, got %s", topic, describeQueues(qs, err))
	}
	seen := map[int]bool{}
	for _, q := range qs {
		seen[q.QueueId] = true
	}
	for i := 0; i < 4; i++ {
		if !seen[i] {
			t.Fatalf("route of %s lacks queue %d: %s", topic, i, describeQueues(qs, nil))
		}
	}

	// A send routes through TBW102 and the broker creates the topic (producer default 4 queues).
	auto := unique("go_auto")
	p := newProducer(t)
	res, err := p.SendSync(ctx, primitive.NewMessage(auto, []byte("auto-create via TBW102")))
	if err != nil || res.Status != primitive.SendOK {
		t.Fatalf("send to new topic %s: %v %v", auto, res, err)
	}
	var aq []*primitive.MessageQueue
	waitFor(t, "route of the auto-created topic "+auto, 45*time.Second, func() bool {
		aq, err = a.FetchPublishMessageQueues(ctx, auto)
		return err == nil && len(aq) > 0
	}, func() string { return describeQueues(aq, err) })

	if _, err := a.FetchPublishMessageQueues(ctx, unique("go_missing")); err == nil {
		t.Fatalf("the route of a topic nobody created must be an error")
	}
}
