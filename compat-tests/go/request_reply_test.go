package compat

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// startReplier is a Go push consumer of topic that answers every request the way the Go client expects
// (consumer/message_util.go CreateReplyMessage: reply topic <CLUSTER>_REPLY_TOPIC, MSG_TYPE=reply, the request's
// CORRELATION_ID, REPLY_TO_CLIENT and TTL), sent by a second producer: the Go client sends a message of type
// "reply" as SEND_REPLY_MESSAGE (324; producer/producer.go buildSendRequest) and the broker pushes it to the
// requester's connection (PUSH_REPLY_MESSAGE_TO_CLIENT 326). CreateReplyMessage parses its body argument as
// properties and leaves the reply's Body empty (message_util.go), so the body is set on the reply afterwards.
//
// The broker finds the requester by its heartbeat, and a Go producer heartbeats 1 s after its start and then every
// 30 s (internal/client.go), to the brokers it knows by then; Request heartbeats only for a topic the NameServer
// does not know (producer.go prepareSendRequest). Until that heartbeat both Java and Apogee refuse the reply with
// "push reply message fail, channel of <client> not found" (Java: ReplyMessageProcessor#pushReplyMessage), so the
// replier resends a refused reply for up to replyRetry (the Go client's own example sleeps 1 s before replying:
// examples/consumer/rpc/main.go).
func startReplier(t *testing.T, topic string) *collector {
	t.Helper()
	const replyRetry = 15 * time.Second
	replyProducer := newProducer(t)
	return startCollector(t, "replier", unique("greplier"), topic, func(ctx context.Context, m *primitive.MessageExt) consumer.ConsumeResult {
		if consumer.GetReplyToClient(m) == "" {
			return consumer.ConsumeSuccess // not a request (the requester's warm-up message)
		}
		reply, err := consumer.CreateReplyMessage(m, nil)
		if err != nil {
			t.Errorf("CreateReplyMessage: %v (properties %v)", err, m.GetProperties())
			return consumer.ConsumeSuccess
		}
		reply.Body = append([]byte("reply to "), m.Body...)
		deadline := time.Now().Add(replyRetry)
		for {
			res, err := replyProducer.SendSync(ctx, reply)
			if err == nil && res.Status == primitive.SendOK {
				return consumer.ConsumeSuccess
			}
			if time.Now().After(deadline) {
				t.Errorf("send reply to %s (for %s): %v %v", consumer.GetReplyToClient(m), replyRetry, res, err)
				return consumer.ConsumeSuccess
			}
			time.Sleep(200 * time.Millisecond)
		}
	})
}

// TestRequestReply (go.request-reply): Producer.Request (sync) and Producer.RequestAsync each get the replier's
// answer, matched by correlation id, well before their timeout.
func TestRequestReply(t *testing.T) {
	topic := createTopic(t, "go_rr", 1)
	startReplier(t, topic)
	requester := newProducer(t)
	const timeout = 30 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// A first plain send, right after start: the requester learns the broker before its first heartbeat (1 s after
	// start), which tells the broker where to push the replies.
	if res, err := requester.SendSync(ctx, primitive.NewMessage(topic, []byte("warm-up"))); err != nil || res.Status != primitive.SendOK {
		t.Fatalf("warm-up send: %v %v", res, err)
	}

	body := "go request " + unique("r")
	reply, err := requester.Request(ctx, timeout, primitive.NewMessage(topic, []byte(body)))
	if err != nil {
		t.Fatalf("Request: %v", err)
	}
	if string(reply.Body) != "reply to "+body {
		t.Fatalf("reply body %q, want %q (properties %v)", reply.Body, "reply to "+body, reply.GetProperties())
	}
	if mt := reply.GetProperty(primitive.PropertyMsgType); mt != "reply" {
		t.Errorf("reply MSG_TYPE %q, want \"reply\"", mt)
	}

	// RequestAsync: the Go client may call the callback more than once (once with the reply, once more when the
	// future leaves its cache: internal/request_response_future.go); the first call is the answer.
	type answer struct {
		msg *primitive.Message
		err error
	}
	answered := make(chan answer, 1)
	var once sync.Once
	asyncBody := "go async request " + unique("r")
	err = requester.RequestAsync(ctx, timeout, func(_ context.Context, m *primitive.Message, err error) {
		once.Do(func() { answered <- answer{m, err} })
	}, primitive.NewMessage(topic, []byte(asyncBody)))
	if err != nil {
		t.Fatalf("RequestAsync: %v", err)
	}
	select {
	case a := <-answered:
		if a.err != nil || a.msg == nil {
			t.Fatalf("RequestAsync callback: msg %v err %v", a.msg, a.err)
		}
		if string(a.msg.Body) != "reply to "+asyncBody {
			t.Fatalf("async reply body %q, want %q", a.msg.Body, "reply to "+asyncBody)
		}
	case <-time.After(timeout + 5*time.Second):
		t.Fatalf("RequestAsync: no callback within %s", timeout+5*time.Second)
	}
}
