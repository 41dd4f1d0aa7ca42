import { NettyInertSchema, p, RemotingLimitsSchema, type ConfigOf } from '../common';

/**
 * NameServer configuration: the property names of Java's NamesrvConfig and NettyServerConfig, so an existing
 * namesrv.conf loads unchanged (`mqnamesrv -c namesrv.conf`). Java: common/.../namesrv/NamesrvConfig.java,
 * remoting/.../netty/NettyServerConfig.java, namesrv/.../NamesrvStartup.java (listenPort 9876).
 * Paths left empty are derived by lib/bin (Java: ${user.home}/namesrv/...).
 */
export const NamesrvSchema = {
  listenPort: p.int(9876, 'TCP port of the NameServer', { check: (v) => (v > 0 && v < 65536 ? undefined : 'expected 1..65535') }),
  bindAddress: p.string('0.0.0.0', 'address to listen on'),
  kvConfigPath: p.string('', 'KV config file (Java default ${user.home}/namesrv/kvConfig.json)'),
  configStorePath: p.string('', 'where UPDATE_NAMESRV_CONFIG persists the config (the -c file, else ${user.home}/namesrv/namesrv.properties)'),
  orderMessageEnable: p.boolean(false, 'fill orderTopicConf of routes from the ORDER_TOPIC_CONFIG KV namespace'),
  returnOrderTopicConfigToBroker: p.boolean(true, 'return the ORDER_TOPIC_CONFIG KV table in REGISTER_BROKER responses'),
  scanNotActiveBrokerInterval: p.long(5000, 'ms between scans for brokers whose registration expired', { check: (v) => (v >= 100 ? undefined : 'expected >= 100') }),
  supportActingMaster: p.boolean(false, 'slave acting master mode in routes'),
  enableAllTopicList: p.boolean(true, 'answer GET_ALL_TOPIC_LIST_FROM_NAMESERVER'),
  enableTopicList: p.boolean(true, 'answer GET_TOPICS_BY_CLUSTER and the unit topic lists'),
  needWaitForService: p.boolean(false, 'refuse route lookups until waitSecondsForService after start'),
  waitSecondsForService: p.int(45, 'seconds to wait when needWaitForService'),
  deleteTopicWithBrokerRegistration: p.boolean(false, "drop a broker's topics that its registration no longer lists"),
  configBlackList: p.string('configBlackList;configStorePath;kvConfigPath', 'keys UPDATE_NAMESRV_CONFIG may not change'),
  serverChannelMaxIdleTimeSeconds: p.int(120, 'close connections idle this long'),
  routeTopicsMax: p.int(500_000, 'Apogee: topics kept in the route table; registrations beyond it are refused'),
  routeBrokersMax: p.int(4096, 'Apogee: broker names kept in the route table'),
  ...RemotingLimitsSchema,
  rocketmqHome: p.inertString(''),
  productEnvName: p.inertString('center'),
  clusterTest: p.inertBoolean(false),
  clientRequestThreadPoolNums: p.inertInt(8),
  defaultThreadPoolNums: p.inertInt(16),
  clientRequestThreadPoolQueueCapacity: p.inertInt(50000),
  defaultThreadPoolQueueCapacity: p.inertInt(10000),
  unRegisterBrokerQueueCapacity: p.inertInt(3000),
  notifyMinBrokerIdChanged: p.inertBoolean(false),
  enableControllerInNamesrv: p.inertBoolean(false),
  ...NettyInertSchema,
} as const;

export type NamesrvConfig = ConfigOf<typeof NamesrvSchema>;
