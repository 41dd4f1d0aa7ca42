/**
 * RemotingCommand: the logical model of every frame on a RocketMQ remoting connection, request or response.
 * Java: remoting/.../protocol/RemotingCommand.java. Field semantics are in ../shared protocol reference §1.2.
 */

export const SerializeType = {
  JSON: 0,
  ROCKETMQ: 1,
} as const;
export type SerializeType = (typeof SerializeType)[keyof typeof SerializeType];

/** Flag bit 0: this frame is a response (Java RPC_TYPE). */
export const FLAG_RESPONSE = 1;
/** Flag bit 1: a oneway request; the receiver must not answer (Java RPC_ONEWAY). */
export const FLAG_ONEWAY = 2;

export interface RemotingCommand {
  /** Request code in a request, response code in a response. */
  code: number;
  /** LanguageCode byte of the sender. */
  language: number;
  /** MQVersion ordinal of the sender. */
  version: number;
  /** Request id; a response copies the request's. Signed 32-bit. */
  opaque: number;
  flag: number;
  /** null when absent; ROCKETMQ binary decodes an empty remark as null (as Java does). */
  remark: string | null;
  /**
   * The custom header as string pairs (Java field name -> String.valueOf(value)). Encoded in insertion order;
   * Java's own order is HashMap iteration order, which peers never depend on. null = no ext fields.
   */
  extFields: Map<string, string> | null;
  /** null when the frame has no body bytes (Java also decodes a zero-length body as null). */
  body: Buffer | null;
  /**
   * A body given as parts, written one after another without being copied into one buffer (the broker's pull
   * answer: the stored records, views of the commit log's tail cache or of the span read from disk). When set it
   * is the body and `body` is ignored. Only outgoing frames use it; decoding never sets it.
   */
  bodyParts?: readonly Buffer[];
  serializeType: SerializeType;
}

export function isResponse(cmd: RemotingCommand): boolean {
  return (cmd.flag & FLAG_RESPONSE) === FLAG_RESPONSE;
}

export function isOneway(cmd: RemotingCommand): boolean {
  return (cmd.flag & FLAG_ONEWAY) === FLAG_ONEWAY;
}
