import type { BrokerContext } from '../context';

/**
 * Persist and register first, answer after: when a processor creates a topic that the client will look up at once
 * (the %RETRY%<group> of a heartbeat, a topic auto-created on send, a retry or DLQ topic on send-back), it waits
 * until the topic is durable (the topic journal's fsync, TopicConfigManager#flush) and the NameServers took the new
 * registration before it answers (Java: createTopicInSendMessage(Back)Method calls ConfigManager#persist and
 * registerBrokerData -> BrokerController#registerIncrementBrokerData, both synchronous). A SIGKILL right after the
 * answer keeps the topic. A failed journal write is logged by the journal and does not fail the request (Java's
 * ConfigManager#persist logs an IOException and goes on); the record stays queued for the next write.
 *
 * Java waits as long as the registration takes (registerBrokerTimeoutMills, 24 s); Apogee waits at most
 * createdTopicRegisterWaitMsMax, the Java clients' default request timeout (3 s), so a NameServer that does not
 * answer cannot hold a heartbeat past the point where its client has given up. Registration continues regardless.
 */
export const CREATED_TOPIC_REGISTER_WAIT_MS_MAX = 3000;

export async function awaitTopicRegistered(
  bc: Pick<BrokerContext, 'registerNow'> & { readonly topics: Pick<BrokerContext['topics'], 'flush'> },
  waitMsMax = CREATED_TOPIC_REGISTER_WAIT_MS_MAX,
): Promise<'registered' | 'timed-out'> {
  // Started together: the fsync and the NameServer round trip overlap.
  const durable = bc.topics.flush().catch(() => undefined);
  try {
    return await registered(bc, waitMsMax);
  } finally {
    await durable;
  }
}

async function registered(bc: Pick<BrokerContext, 'registerNow'>, waitMsMax: number): Promise<'registered' | 'timed-out'> {
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<'timed-out'>((resolve) => {
    timer = setTimeout(() => resolve('timed-out'), waitMsMax);
    timer.unref();
  });
  try {
    return await Promise.race([bc.registerNow().then(() => 'registered' as const), cap]);
  } finally {
    clearTimeout(timer);
  }
}
