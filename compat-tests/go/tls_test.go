//go:build tls

package compat

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
)

// TestTlsSendConsume (go.tls-send-consume): the Go client with WithTls(true) (producer and push consumer; the
// client skips certificate verification, rocketmq-client-go internal/remote/tcp_conn.go) sends and consumes
// against a target serving TLS. Built only with -tags tls: the target must serve TLS and the topic must already
// exist ($COMPAT_TLS_TOPIC), since the Go admin client has no TLS option. Driven by lib/bin/tls.compat.test.ts.
func TestTlsSendConsume(t *testing.T) {
	topic := os.Getenv("COMPAT_TLS_TOPIC")
	if topic == "" {
		t.Skip("needs $COMPAT_TLS_TOPIC: a topic on a target that serves TLS (lib/bin/tls.compat.test.ts sets it)")
	}
	p := newProducer(t, producer.WithTls(true))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var ids []string
	for i := 0; i < 3; i++ {
		res, err := p.SendSync(ctx, primitive.NewMessage(topic, []byte(fmt.Sprintf("go tls #%d", i))))
		if err != nil || res.Status != primitive.SendOK {
			t.Fatalf("SendSync over TLS #%d: %v %v", i, res, err)
		}
		ids = append(ids, res.MsgID)
	}
	col := startCollector(t, "tls", unique("gtls"), topic, nil, consumer.WithTls(true))
	col.awaitIDs(t, "TLS messages delivered", ids, deliveryTimeout)
	fmt.Printf("GO_TLS_OK sent=%d consumed=%d\n", len(ids), len(ids))
}
