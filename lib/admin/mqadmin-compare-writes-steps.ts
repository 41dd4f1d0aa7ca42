/**
 * The rows of mqadmin-compare-writes.compat.test.ts: per step the mqadmin command lines both tools run (in order,
 * `$B` = the broker address, `$MSG` = the seeded message's id (unique key), `$OFFSETID` its offset msgId, `<Name>_X` = the tool's own name) and how the state is
 * read back afterwards (`cmd args [| substring]` by Apogee's tool, `kv <namespace> <key>`, `file <name> <key path>`,
 * `offset <group> <topic> <queueId>`).
 * A step with `ciCoveredBy` runs only in the full run (APOGEE_COMPAT_FULL=1); the reason names what CI compares instead.
 * Steps run in this order and may rely on earlier ones (updateTopicPerm on the topic updateTopic made).
 */
export interface Step {
  run: string[];
  read?: string[];
  /** Values that differ per run, replaced in both tools' output. */
  mask?: [RegExp, string][];
  ciCoveredBy?: string;
}

const TOPIC_CI = 'updateTopic and deleteTopic are compared with the topic route read back';
const NS_CI = 'updateKvConfig and wipeWritePerm/addWritePerm (NameServer writes) are compared';

export const STEPS: Step[] = [
  { run: ['updateTopic -b $B -t T_X -r 3 -w 3'], read: ['topicRoute -t T_X'] },
  { run: ['updateTopic -c DefaultCluster -t TC_X -p 6 -o false'], read: ['topicRoute -t TC_X'], ciCoveredBy: TOPIC_CI },
  // The order conf is there first: Java's tool prints a stack trace (and goes on) when -b -o true finds none to merge with.
  { run: ['updateOrderConf -t TO_X -m put -v broker-z:3', 'updateTopic -b $B -t TO_X -w 2 -o true -u true', 'updateTopic -c DefaultCluster -t TO_X -w 4 -o true -s true'], read: ['kv ORDER_TOPIC_CONFIG TO_X', 'topicRoute -t TO_X'], ciCoveredBy: TOPIC_CI },
  {
    run: ['sendMessage -t T_X -p hello -k K1 -c TagA -b broker-a -i 1', 'sendMessage -t T_X -p hello -b broker-a -i 2'],
    read: ['topicStatus -t T_X'],
    // The message id holds the sending client's address (IPv6 for Java here) and a per-process counter; topicStatus shows the store times.
    mask: [[/SEND_OK( +)[0-9A-F]{32,}$/gm, 'SEND_OK$1<msgId>'], [/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}$/gm, '<stored at>']],
    ciCoveredBy: 'sendMsgStatus (sends through the broker) is compared in mqadmin-compare.compat.test.ts',
  },
  { run: ['updateTopicPerm -b $B -t T_X -p 4', 'updateTopicPerm -c DefaultCluster -t T_X -p 6'], read: ['topicRoute -t T_X'], ciCoveredBy: TOPIC_CI },
  { run: ['queryMsgById -t SrcT -i $MSG', 'queryMsgById -t SrcT -i $OFFSETID'], ciCoveredBy: 'queryMsgByUniqueKey prints the same message view and is compared' },
  {
    run: ['checkMsgSendRT -t SrcT -a 3 -s 16'],
    mask: [[/^(broker-a +\d +true) +\d+$/gm, '$1 <rt>'], [/^Avg RT: [\d.]+$/gm, 'Avg RT: <rt>']],
    ciCoveredBy: 'sendMsgStatus (timed sends) is compared',
  },
  {
    run: ['brokerStatus -b $B'],
    // Every value is a live runtime figure (TPS, offsets, memory, times): the keys and their order are compared.
    mask: [[/^(\S+) *: .*$/gm, '$1']],
    ciCoveredBy: 'clusterList and haStatus (GET_BROKER_RUNTIME_INFO figures) are compared',
  },
  { run: ['setConsumeMode -b $B -t T_X -g G_X -m POP -q 2'], read: ['file messageRequestMode.json messageRequestModeMap T_X G_X'], ciCoveredBy: 'updateSubGroup (a broker group write) is compared' },
  { run: ['cloneGroupOffset -s SrcCG -d G_X -t SrcT -o true'], read: ['offset G_X SrcT 0', 'offset G_X SrcT 1'], ciCoveredBy: 'resetOffsetByTime (offsets rewritten) is compared' },
  { run: ['updateSubGroup -b $B -g SG_X', 'deleteSubGroup -b $B -g SG_X'], read: ['getConsumerConfig -g SG_X'], ciCoveredBy: 'updateSubGroup is compared' },
  { run: ['updateSubGroup -b $B -g SC_X', 'deleteSubGroup -c DefaultCluster -g SC_X -r true'], read: ['getConsumerConfig -g SC_X', 'topicList | SC_'], ciCoveredBy: 'updateSubGroup is compared' },
  { run: ['updateKvConfig -s NS_X -k K_X -v V_X'], read: ['kv NS_X K_X'] },
  { run: ['deleteKvConfig -s NS_X -k K_X'], read: ['kv NS_X K_X'], ciCoveredBy: NS_CI },
  { run: ['wipeWritePerm -b broker-a', 'topicRoute -t SrcT', 'addWritePerm -b broker-a', 'topicRoute -t SrcT'] },
  { run: ['wipeWritePerm -b nosuch-broker', 'addWritePerm -b nosuch-broker'], ciCoveredBy: NS_CI },
  { run: ['updateBrokerConfig -b $B -k msgTraceTopicName -v Trace_X'], read: ['getBrokerConfig -b $B | msgTraceTopicName'], ciCoveredBy: NS_CI },
  { run: ['updateBrokerConfig -c DefaultCluster -k maxMessageSize -v 4194305'], read: ['getBrokerConfig -b $B | maxMessageSize'], ciCoveredBy: NS_CI },
  { run: ['updateNamesrvConfig -k productEnvName -v env_X'], read: ['getNamesrvConfig | productEnvName'], ciCoveredBy: NS_CI },
  { run: ['cleanUnusedTopic -b $B', 'cleanUnusedTopic -c DefaultCluster'], ciCoveredBy: 'cleanExpiredCQ (the same kind of broker clean-up call) is compared' },
  { run: ['deleteExpiredCommitLog -b $B', 'deleteExpiredCommitLog -c DefaultCluster'], ciCoveredBy: 'cleanExpiredCQ (the same kind of broker clean-up call) is compared' },
  { run: ['deleteTopic -c DefaultCluster -t T_X'], read: ['topicRoute -t T_X'] },
];
