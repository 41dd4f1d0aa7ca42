import type { BrokerContext } from '../context';

/**
 * Register first, answer after: when a processor creates a topic that the client will look up at once (the
 * %RETRY%<group> of a heartbeat, a topic auto-created on send, a retry or DLQ topic on send-back), it waits until the
 * NameServers took the new registration before it answers (Java: TopicConfigManager#registerBrokerData ->
 * BrokerController#registerIncrementBrokerData, synchronous inside createTopicInSendMessage(Back)Method).
 *
 * Java waits as long as the registration takes (registerBrokerTimeoutMills, 24 s); Apogee waits at most
 * createdTopicRegisterWaitMsMax, the Java clients' default request timeout (3 s), so a NameServer that does not
 * answer cannot hold a heartbeat past the point where its client has given up. Registration continues regardless.
 */
export const CREATED_TOPIC_REGISTER_WAIT_MS_MAX = 3000;

export async function awaitTopicRegistered(bc: Pick<BrokerContext, 'registerNow'>, waitMsMax = CREATED_TOPIC_REGISTER_WAIT_MS_MAX): Promise<'registered' | 'timed-out'> {
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
