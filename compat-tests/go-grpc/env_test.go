// Package gogrpc: the official Go gRPC client (github.com/apache/rocketmq-clients/golang/v5) against a 5.x gRPC
// endpoint — Apogee's own (lib/grpc) or the official proxy. The scenarios mirror compat-tests/java/grpc-suites.
//
//	go test -json -count=1 . -args -endpoint 127.0.0.1:8081 -namesrv 127.0.0.1:9876 -brokeraddr 127.0.0.1:10911
//
// Its own Go module, so that a machine that cannot fetch the client never breaks compat-tests/go.
package gogrpc

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	rmq "github.com/apache/rocketmq-clients/golang/v5"
	"github.com/apache/rocketmq-clients/golang/v5/credentials"
)

var (
	endpointFlag   = flag.String("endpoint", os.Getenv("COMPAT_GRPC_ENDPOINT"), "gRPC endpoint host:port (Apogee --grpcPort or the proxy)")
	namesrvFlag    = flag.String("namesrv", os.Getenv("COMPAT_NAMESRV"), "target NameServer host:port (remoting, for route checks)")
	brokerAddrFlag = flag.String("brokeraddr", os.Getenv("COMPAT_BROKER"), "target master broker host:port (remoting, creates topics and groups)")
	workdirFlag    = flag.String("workdir", os.Getenv("COMPAT_WORKDIR"), "directory for client logs (default: a temp dir)")
)

// The client's invisible duration for received messages, and how long one Receive long-polls.
const (
	invisibleDuration = 20 * time.Second
	awaitDuration     = 5 * time.Second
)

var (
	runTag = fmt.Sprintf("%x", time.Now().UnixNano()%1_000_000_000+int64(rand.Intn(1000)))
	seq    int32
)

func TestMain(m *testing.M) {
	flag.Parse()
	dir := *workdirFlag
	if dir == "" {
		dir, _ = os.MkdirTemp("", "go-grpc-compat-")
	}
	// The client logs to $rocketmq.client.logRoot/rocketmq_client_go.log (lumberjack), never to the test output.
	_ = os.Setenv("rocketmq.client.logRoot", filepath.Join(dir, "logs"))
	_ = os.Setenv("mq.consoleAppender.enabled", "false")
	rmq.ResetLogger()
	os.Exit(m.Run())
}

func unique(prefix string) string {
	return fmt.Sprintf("%s_%s_%d", prefix, runTag, atomic.AddInt32(&seq, 1))
}

func needTarget(t *testing.T) {
	t.Helper()
	if *endpointFlag == "" || *namesrvFlag == "" || *brokerAddrFlag == "" {
		t.Skip("needs -endpoint, -namesrv and -brokeraddr (the harness passes them)")
	}
}

func config(group string) *rmq.Config {
	return &rmq.Config{Endpoint: *endpointFlag, ConsumerGroup: group, Credentials: &credentials.SessionCredentials{}}
}

func newTopic(t *testing.T, prefix, messageType string) string {
	t.Helper()
	topic := unique(prefix)
	if err := createTopic(*brokerAddrFlag, *namesrvFlag, topic, messageType, 4); err != nil {
		t.Fatal(err)
	}
	return topic
}

func newGroup(t *testing.T, prefix string, orderly bool) string {
	t.Helper()
	group := unique(prefix)
	if err := createGroup(*brokerAddrFlag, group, orderly); err != nil {
		t.Fatal(err)
	}
	return group
}

func newProducer(t *testing.T, topic string, opts ...rmq.ProducerOption) rmq.Producer {
	t.Helper()
	p, err := rmq.NewProducer(config(""), append([]rmq.ProducerOption{rmq.WithTopics(topic)}, opts...)...)
	if err != nil {
		t.Fatalf("new producer: %v", err)
	}
	if err := p.Start(); err != nil {
		t.Fatalf("start producer against %s: %v", *endpointFlag, err)
	}
	t.Cleanup(func() { _ = p.GracefulStop() })
	return p
}

func newConsumer(t *testing.T, group, topic string, filter *rmq.FilterExpression) rmq.SimpleConsumer {
	t.Helper()
	c, err := rmq.NewSimpleConsumer(config(group), rmq.WithAwaitDuration(awaitDuration),
		rmq.WithSubscriptionExpressions(map[string]*rmq.FilterExpression{topic: filter}))
	if err != nil {
		t.Fatalf("new simple consumer: %v", err)
	}
	if err := c.Start(); err != nil {
		t.Fatalf("start simple consumer against %s: %v", *endpointFlag, err)
	}
	t.Cleanup(func() { _ = c.GracefulStop() })
	return c
}

func send(t *testing.T, p rmq.Producer, msg *rmq.Message) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := p.Send(ctx, msg)
	if err != nil {
		t.Fatalf("send to %s: %v", msg.Topic, err)
	}
	if len(r) != 1 || r[0].MessageID == "" {
		t.Fatalf("send to %s: receipts %v", msg.Topic, r)
	}
	return r[0].MessageID
}

// receiveUntil calls Receive (long polls of awaitDuration) and hands each message to onMsg until done() or the
// time is up; "no new message" errors between polls are expected and ignored.
func receiveUntil(t *testing.T, c rmq.SimpleConsumer, within time.Duration, onMsg func(*rmq.MessageView), done func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	var lastErr error
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("not done within %v (last receive error: %v)", within, lastErr)
		}
		ctx, cancel := context.WithTimeout(context.Background(), awaitDuration+10*time.Second)
		mvs, err := c.Receive(ctx, 16, invisibleDuration)
		cancel()
		if err != nil {
			lastErr = err
			time.Sleep(100 * time.Millisecond)
			continue
		}
		for _, mv := range mvs {
			onMsg(mv)
		}
	}
}

func ack(t *testing.T, c rmq.SimpleConsumer, mv *rmq.MessageView) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Ack(ctx, mv); err != nil {
		t.Fatalf("ack %s: %v", mv.GetMessageId(), err)
	}
}
