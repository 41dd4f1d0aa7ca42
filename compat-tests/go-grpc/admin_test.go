package gogrpc

// A minimal RocketMQ remoting client (the wire format of docs/protocol.md: 4-byte length, 4-byte header length
// whose high byte is the serialize type 0 = JSON, JSON header, body) for what the official gRPC client cannot do:
// create a topic with its message type (the 5.x attribute `message.type`, read by the Apache proxy) and a
// subscription group with consumeMessageOrderly (FIFO). Kept here so this module depends on the gRPC client only.

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"time"
)

// Remoting request codes (Java: RequestCode).
const (
	codeUpdateAndCreateTopic    = 17
	codeGetRouteInfoByTopic     = 105
	codeUpdateAndCreateSubGroup = 200
	remotingCallTimeout         = 10 * time.Second
)

var opaque int32

type remotingHeader struct {
	Code      int               `json:"code"`
	Language  string            `json:"language"`
	Version   int               `json:"version"`
	Opaque    int32             `json:"opaque"`
	Flag      int               `json:"flag"`
	Remark    string            `json:"remark,omitempty"`
	ExtFields map[string]string `json:"extFields,omitempty"`
}

// remotingCall sends one request to addr and returns the response code, remark and body.
func remotingCall(addr string, code int, ext map[string]string, body []byte) (int, string, []byte, error) {
	conn, err := net.DialTimeout("tcp", addr, remotingCallTimeout)
	if err != nil {
		return 0, "", nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(remotingCallTimeout))
	h, _ := json.Marshal(remotingHeader{Code: code, Language: "GO", Version: 0, Opaque: atomic.AddInt32(&opaque, 1), ExtFields: ext})
	frame := make([]byte, 8, 8+len(h)+len(body))
	binary.BigEndian.PutUint32(frame[0:4], uint32(4+len(h)+len(body)))
	binary.BigEndian.PutUint32(frame[4:8], uint32(len(h))) // serialize type JSON (0) in the high byte
	frame = append(append(frame, h...), body...)
	if _, err := conn.Write(frame); err != nil {
		return 0, "", nil, err
	}
	var lens [8]byte
	if _, err := io.ReadFull(conn, lens[:]); err != nil {
		return 0, "", nil, err
	}
	total := binary.BigEndian.Uint32(lens[0:4])
	hlen := binary.BigEndian.Uint32(lens[4:8]) & 0xFFFFFF
	rest := make([]byte, total-4)
	if _, err := io.ReadFull(conn, rest); err != nil {
		return 0, "", nil, err
	}
	var rh remotingHeader
	if err := json.Unmarshal(rest[:hlen], &rh); err != nil {
		return 0, "", nil, fmt.Errorf("response header: %v", err)
	}
	return rh.Code, rh.Remark, rest[hlen:], nil
}

// createTopic creates `topic` with `queues` queues and the given 5.x message type on the broker, then waits until
// the NameServer routes it.
func createTopic(broker, namesrv, topic, messageType string, queues int) error {
	q := fmt.Sprint(queues)
	code, remark, _, err := remotingCall(broker, codeUpdateAndCreateTopic, map[string]string{
		"topic": topic, "defaultTopic": "TBW102", "readQueueNums": q, "writeQueueNums": q, "perm": "6",
		"topicFilterType": "SINGLE_TAG", "topicSysFlag": "0", "order": "false",
		"attributes": "+message.type=" + messageType,
	}, nil)
	if err != nil || code != 0 {
		return fmt.Errorf("UPDATE_AND_CREATE_TOPIC %s on %s: code %d %s %v", topic, broker, code, remark, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, remark, _, err = remotingCall(namesrv, codeGetRouteInfoByTopic, map[string]string{"topic": topic}, nil)
		if err == nil && code == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no route of %s at %s after 30s: code %d %s %v", topic, namesrv, code, remark, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// createGroup creates a subscription group; orderly makes it FIFO (Settings.subscription.fifo).
func createGroup(broker, group string, orderly bool) error {
	body, _ := json.Marshal(map[string]interface{}{
		"groupName": group, "consumeEnable": true, "consumeFromMinEnable": true, "consumeBroadcastEnable": true,
		"consumeMessageOrderly": orderly, "retryQueueNums": 1, "retryMaxTimes": 16, "brokerId": 0,
		"whichBrokerWhenConsumeSlowly": 1, "notifyConsumerIdsChangedEnable": true,
	})
	code, remark, _, err := remotingCall(broker, codeUpdateAndCreateSubGroup, nil, body)
	if err != nil || code != 0 {
		return fmt.Errorf("UPDATE_AND_CREATE_SUBSCRIPTIONGROUP %s on %s: code %d %s %v", group, broker, code, remark, err)
	}
	return nil
}
