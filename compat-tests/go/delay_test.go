package compat

import (
	"context"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// TestDelayLevel (go.delay-level): a message sent with WithDelayTimeLevel(2) (the broker's second level, 5 s in the
// default messageDelayLevel "1s 5s 10s ...") reaches a Go push consumer of its topic after the delay, under its
// original topic, carrying DELAY=2 (Java: ScheduleMessageService keeps the level on the message it delivers, and the
// Java client reads getDelayTimeLevel() from it). "After the delay" is read from the broker's own timestamps: the
// delivered message is stored again in the real topic, so StoreTimestamp - BornTimestamp >= the level's 5 s.
func TestDelayLevel(t *testing.T) {
	topic := createTopic(t, "go_delay", 1)
	p := newProducer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	col := startCollector(t, "c1", unique("gdelay"), topic, nil)

	m := primitive.NewMessage(topic, []byte("go delayed "+unique("d")))
	m.WithDelayTimeLevel(2)
	res, err := p.SendSync(ctx, m)
	if err != nil || res.Status != primitive.SendOK {
		t.Fatalf("send: %v %v", res, err)
	}
	got := col.awaitIDs(t, "the delayed message", []string{res.MsgID}, 60*time.Second)[res.MsgID]
	if got.Topic != topic {
		t.Errorf("delivered under topic %q, want the original %q", got.Topic, topic)
	}
	if d := got.GetProperty(primitive.PropertyDelayTimeLevel); d != "2" {
		t.Errorf("DELAY property on the delivered message: %q, want \"2\" (properties %v)", d, got.GetProperties())
	}
	if string(got.Body) != string(m.Body) {
		t.Errorf("body %q, want %q", got.Body, m.Body)
	}
	const levelMs = 5000
	if lag := got.StoreTimestamp - got.BornTimestamp; lag < levelMs {
		t.Errorf("stored in %s %d ms after it was born; want >= %d ms (delay level 2)", topic, lag, levelMs)
	}
	for _, d := range col.deliveries() {
		if d.msg.MsgId == res.MsgID && d.msg.ReconsumeTimes != 0 {
			t.Errorf("the delayed message came as a retry (ReconsumeTimes %d)", d.msg.ReconsumeTimes)
		}
	}
}
