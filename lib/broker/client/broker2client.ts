import { createRequest, type RemotingCommand } from '../../../protocol/command';
import { RequestCode } from '../../../protocol/codes';
import { CheckTransactionStateRequestHeader, encodeHeader, NotifyConsumerIdsChangedRequestHeader, ReplyMessageRequestHeader, type ValueOf } from '../../../protocol/headers';
import { SERVER_VERSION, type Logger } from '../../common';
import type { Connection } from '../../remoting';

/**
 * Requests the broker sends to clients over their own connections, always in JSON (Java: broker/.../client/net/
 * Broker2Client.java): NOTIFY_CONSUMER_IDS_CHANGED and CHECK_TRANSACTION_STATE oneway, the admin forwards
 * (GET_CONSUMER_RUNNING_INFO, CONSUME_MESSAGE_DIRECTLY) and PUSH_REPLY_MESSAGE_TO_CLIENT as synchronous calls.
 */
/** Java Broker2Client#callClient: a reply pushed to its requester waits this long for the client's answer. */
export const PUSH_REPLY_TIMEOUT_MS = 10_000;

export class Broker2Client {
  constructor(private readonly logger: Logger) {}

  notifyConsumerIdsChanged(conn: Connection, consumerGroup: string): void {
    if (conn.closed) return;
    const req = createRequest({
      code: RequestCode.NOTIFY_CONSUMER_IDS_CHANGED,
      opaque: 0,
      version: SERVER_VERSION,
      extFields: encodeHeader(NotifyConsumerIdsChangedRequestHeader, { consumerGroup }),
    });
    conn.invokeOneway(req);
  }

  checkTransactionState(conn: Connection, header: ValueOf<typeof CheckTransactionStateRequestHeader>, body: Buffer): void {
    const req = createRequest({
      code: RequestCode.CHECK_TRANSACTION_STATE,
      opaque: 0,
      version: SERVER_VERSION,
      extFields: encodeHeader(CheckTransactionStateRequestHeader, header),
      body,
    });
    if (!conn.invokeOneway(req)) this.logger.warn({ remote: conn.remoteAddress }, 'CHECK_TRANSACTION_STATE not sent');
  }

  /** Sends a oneway request built by the caller (RESET_CONSUMER_CLIENT_OFFSET, ...). */
  oneway(conn: Connection, code: number, extFields: Map<string, string>, body: Buffer | null): boolean {
    return conn.invokeOneway(createRequest({ code, opaque: 0, version: SERVER_VERSION, extFields, body }));
  }

  /** A synchronous call; the client's response is returned whatever its code. */
  call(conn: Connection, code: number, extFields: Map<string, string> | null, body: Buffer | null, timeoutMs: number): Promise<RemotingCommand> {
    return conn.invoke(createRequest({ code, opaque: 0, version: SERVER_VERSION, extFields, body }), timeoutMs);
  }

  /** PUSH_REPLY_MESSAGE_TO_CLIENT (326): a reply message to the requester's own connection (Java ReplyMessageProcessor). */
  pushReplyMessage(conn: Connection, header: ValueOf<typeof ReplyMessageRequestHeader>, body: Buffer | null, timeoutMs = PUSH_REPLY_TIMEOUT_MS): Promise<RemotingCommand> {
    return this.call(conn, RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, encodeHeader(ReplyMessageRequestHeader, header), body, timeoutMs);
  }
}
