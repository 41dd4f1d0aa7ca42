package compat

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// TestSql92Filter (go.sql92-filter): a Go push consumer subscribed with a SQL92 selector receives exactly the
// messages whose user properties match (the broker runs with enablePropertyFilter=true).
func TestSql92Filter(t *testing.T) {
	topic := createTopic(t, "go_sql", 1)
	p := newProducer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const sql = "a > 5 AND b = 'x'"
	wanted := map[string]bool{}
	var matching []string
	send := func(a int, b, text string) string {
		m := primitive.NewMessage(topic, []byte(text))
		m.WithProperty("a", fmtInt(a))
		m.WithProperty("b", b)
		res, err := p.SendSync(ctx, m)
		if err != nil || res.Status != primitive.SendOK {
			t.Fatalf("send %s: %v %v", text, res, err)
		}
		return res.MsgID
	}
	for i := 0; i < 40; i++ {
		a, b := i%10, "y"
		if i%3 == 0 {
			b = "x"
		}
		id := send(a, b, fmt.Sprintf("go sql #%d", i))
		wanted[id] = a > 5 && b == "x"
		if wanted[id] {
			matching = append(matching, id)
		}
	}
	// One queue: once the last (matching) message is consumed, every earlier match has been delivered.
	sentinel := send(100, "x", "go sql sentinel")
	col := startSelectorCollector(t, "c1", unique("gsql"), topic, consumer.MessageSelector{Type: consumer.SQL92, Expression: sql}, nil)
	got := col.awaitIDs(t, "the matching messages and the sentinel", append(matching, sentinel), deliveryTimeout)
	for id, w := range wanted {
		if !w && col.byID.count(id) > 0 {
			t.Errorf("message %s does not match %q but was delivered", id, sql)
		}
	}
	for id, m := range got {
		if id != sentinel && !wanted[id] {
			t.Errorf("unexpected delivery %s: a=%s b=%s", id, m.GetProperty("a"), m.GetProperty("b"))
		}
	}
}
