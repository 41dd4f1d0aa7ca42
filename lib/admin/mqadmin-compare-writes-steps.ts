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
  /** What Apogee's run (commands and read-back, names as OURS, addresses as <broker>/<namesrv>) must show: equal failures do not pass. */
  expect: RegExp;
  ciCoveredBy?: string;
}

const TOPIC_CI = 'updateTopic and deleteTopic are compared with the topic route read back';
const NS_CI = 'wipeWritePerm/addWritePerm (NameServer writes, the route read back) are compared';
const BROKER_CI = 'updateBrokerConfig -b is compared with the value read back by getBrokerConfig';

export const STEPS: Step[] = [
  { run: ['updateTopic -b $B -t T_X -r 3 -w 3'], read: ['topicRoute -t T_X'], expect: /^TopicConfig \[topicName=T_OURS, readQueueNums=3, writeQueueNums=3, perm=RW-[\s\S]*\"readQueueNums\":3/m },
  // -a: parsed as Java's AttributeParser, printed as its HashMap; -r/-w repeated so later steps find T_X as the first step left it.
  {
    run: ['updateTopic -b $B -t T_X -r 3 -w 3 -a +message.type=NORMAL'], read: ['topicRoute -t T_X'],
    expect: /^TopicConfig \[topicName=T_OURS, readQueueNums=3, writeQueueNums=3, .*attributes=\{\+message\.type=NORMAL\}\]$/m,
    ciCoveredBy: 'the -a parse, header and printing are unit-tested (attributes.test.ts, admin.test.ts: stored attributes read from the broker); updateTopic -b is compared',
  },
  // Three keys: Java prints (and sends) them in HashMap order, not as typed.
  {
    run: ['updateTopic -b $B -t TA_X -r 1 -w 1 -a +message.type=NORMAL,+reserve.time=72,+cleanup.policy=DELETE'], read: ['topicRoute -t TA_X'],
    expect: /attributes=\{\+reserve\.time=72, \+message\.type=NORMAL, \+cleanup\.policy=DELETE\}\]$/m,
    ciCoveredBy: 'the -a parse, header and printing order are unit-tested (attributes.test.ts); updateTopic -b is compared',
  },
  { run: ['updateTopic -c DefaultCluster -t TC_X -p 6 -o false'], read: ['topicRoute -t TC_X'], expect: /^create topic to <broker> success\.\nTopicConfig \[topicName=TC_OURS/m, ciCoveredBy: TOPIC_CI },
  // The order conf is there first: Java's tool prints a stack trace (and goes on) when -b -o true finds none to merge with.
  { run: ['updateOrderConf -t TO_X -m put -v broker-z:3', 'updateTopic -b $B -t TO_X -w 2 -o true -u true', 'updateTopic -c DefaultCluster -t TO_X -w 4 -o true -s true'], read: ['kv ORDER_TOPIC_CONFIG TO_X', 'topicRoute -t TO_X'], expect: /set broker orderConf. isOrder=true, orderConf=\[broker-a:2\][\s\S]*value broker-a:4[\s\S]*\"topicSysFlag\":2/, ciCoveredBy: TOPIC_CI },
  {
    run: ['sendMessage -t T_X -p hello -k K1 -c TagA -b broker-a -i 1', 'sendMessage -t T_X -p hello -b broker-a -i 2'],
    read: ['topicStatus -t T_X'], expect: /^broker-a +2 +0 +1 +<stored at>$/m,
    // The message id holds the sending client's address (IPv6 for Java here) and a per-process counter; topicStatus shows the store times.
    mask: [[/SEND_OK( +)[0-9A-F]{32,}$/gm, 'SEND_OK$1<msgId>'], [/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}$/gm, '<stored at>']],
    ciCoveredBy: 'sendMsgStatus (sends through the broker) is compared in mqadmin-compare.compat.test.ts',
  },
  { run: ['updateTopicPerm -b $B -t T_X -p 4', 'updateTopicPerm -c DefaultCluster -t T_X -p 6'], read: ['topicRoute -t T_X'], expect: /update topic perm from 6 to 4 in <broker> success\.[\s\S]*update topic perm from 4 to 6/, ciCoveredBy: TOPIC_CI },
  { run: ['queryMsgById -t SrcT -i $MSG', 'queryMsgById -t SrcT -i $OFFSETID'], expect: /(^OffsetID: +7F000001[\s\S]*){2}/m, ciCoveredBy: 'queryMsgByUniqueKey prints the same message view and is compared' },
  {
    run: ['checkMsgSendRT -t SrcT -a 3 -s 16'], expect: /(^broker-a +\d +true <rt>\n){3}Avg RT/m,
    mask: [[/^(broker-a +\d +true) +\d+$/gm, '$1 <rt>'], [/^Avg RT: [\d.]+$/gm, 'Avg RT: <rt>']],
    ciCoveredBy: 'sendMsgStatus (timed sends) is compared',
  },
  {
    run: ['brokerStatus -b $B'], expect: /^brokerVersionDesc\n/m,
    // Every value is a live runtime figure (TPS, offsets, memory, times): the keys and their order are compared.
    mask: [[/^(\S+) *: .*$/gm, '$1']],
    ciCoveredBy: 'clusterList and haStatus (GET_BROKER_RUNTIME_INFO figures) are compared',
  },
  { run: ['setConsumeMode -b $B -t T_X -g G_X -m POP -q 2'], expect: /\"mode\":\"POP\",\"popShareQueueNum\":2/, read: ['file messageRequestMode.json messageRequestModeMap T_X G_X'], ciCoveredBy: 'updateSubGroup (a broker group write) is compared' },
  { run: ['cloneGroupOffset -s SrcCG -d G_X -t SrcT -o true'], expect: /clone group offset success[\s\S]*code 0 offset 1\n/, read: ['offset G_X SrcT 0', 'offset G_X SrcT 1'], ciCoveredBy: 'resetOffsetByTime (offsets rewritten) is compared' },
  { run: ['updateSubGroup -b $B -g SG_X', 'deleteSubGroup -b $B -g SG_X'], expect: /delete subscription group \[SG_OURS\] from broker \[<broker>\] success\./, read: ['getConsumerConfig -g SG_X'], ciCoveredBy: 'updateSubGroup is compared' },
  { run: ['updateSubGroup -b $B -g SC_X', 'deleteSubGroup -c DefaultCluster -g SC_X -r true'], expect: /delete subscription group \[SC_OURS\] from broker \[<broker>\] in cluster \[DefaultCluster\] success\./, read: ['getConsumerConfig -g SC_X', 'topicList | SC_'], ciCoveredBy: 'updateSubGroup is compared' },
  { run: ['updateKvConfig -s NS_X -k K_X -v V_X'], read: ['kv NS_X K_X'], expect: /code 0 value V_OURS/, ciCoveredBy: NS_CI },
  { run: ['deleteKvConfig -s NS_X -k K_X'], read: ['kv NS_X K_X'], expect: /delete kv config from namespace success\.\nread kv NS_X K_X\nGET_KV_CONFIG code 22/, ciCoveredBy: NS_CI },
  { run: ['wipeWritePerm -b broker-a', 'topicRoute -t SrcT', 'addWritePerm -b broker-a', 'topicRoute -t SrcT'], expect: /OK, [1-9]\d*[\s\S]*\"perm\":4[\s\S]*add write perm of broker\[broker-a\] in name server\[<namesrv>\] OK, [1-9]\d*[\s\S]*\"perm\":6/ },
  { run: ['wipeWritePerm -b nosuch-broker', 'addWritePerm -b nosuch-broker'], expect: /wipe write perm of broker\[nosuch-broker\] in name server\[<namesrv>\] OK, 0/, ciCoveredBy: NS_CI },
  { run: ['updateBrokerConfig -b $B -k msgTraceTopicName -v Trace_X'], read: ['getBrokerConfig -b $B | msgTraceTopicName'], expect: /update broker config success, <broker>[\s\S]*msgTraceTopicName += +Trace_OURS/ },
  { run: ['updateBrokerConfig -c DefaultCluster -k maxMessageSize -v 4194305'], read: ['getBrokerConfig -b $B | maxMessageSize'], expect: /maxMessageSize += +4194305/, ciCoveredBy: BROKER_CI },
  { run: ['updateNamesrvConfig -k productEnvName -v env_X'], read: ['getNamesrvConfig | productEnvName'], expect: /productEnvName += +env_OURS/, ciCoveredBy: NS_CI },
  { run: ['cleanUnusedTopic -b $B', 'cleanUnusedTopic -c DefaultCluster'], expect: /^success$/m, ciCoveredBy: 'cleanExpiredCQ (the same kind of broker clean-up call) is compared' },
  { run: ['deleteExpiredCommitLog -b $B', 'deleteExpiredCommitLog -c DefaultCluster'], expect: /^success$/m, ciCoveredBy: 'cleanExpiredCQ (the same kind of broker clean-up call) is compared' },
  { run: ['deleteTopic -c DefaultCluster -t T_X'], read: ['topicRoute -t T_X'], expect: /delete topic \[T_OURS\] from cluster \[DefaultCluster\] success\./ },
];
