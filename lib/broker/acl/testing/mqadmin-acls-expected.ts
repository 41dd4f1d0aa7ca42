/**
 * Test-only: what mqadmin 5.5.0 printed for each of mqadmin-acls.compat.test.ts's ACL_COMMANDS against Apache RocketMQ
 * 5.5.0 (BrokerStartup, the suite's broker.conf, an Apogee NameServer), broker address replaced by BROKER, stack
 * frames and trailing blanks left out. Recorded 2026-12-04 with APOGEE_ACL_ALSO_JAVA=1 APOGEE_ACL_RECORD=1.
 */
export const MQADMIN_ACLS_JAVA_5_5_0: string[][] = [
  [
    'create user to BROKER success.'
  ],
  [
    'create acl to BROKER success.'
  ],
  [
    'update acl to BROKER success.'
  ],
  [
    '#Subject          #PolicyType  #Resource               #Actions              #SourceIp                 #Decision',
    'User:app1         Custom      Topic:t1                [Pub, Sub]            null                      Allow',
    'User:app1         Custom      Group:g1                [Pub, Sub]            null                      Allow',
    'User:app1         Custom      Topic:t2*               [Pub]                 [127.0.0.1, 10.0.0.0/8]   Deny'
  ],
  [
    '#Subject          #PolicyType  #Resource               #Actions              #SourceIp                 #Decision',
    'User:app1         Custom      Topic:t1                [Pub, Sub]            null                      Allow',
    'User:app1         Custom      Group:g1                [Pub, Sub]            null                      Allow',
    'User:app1         Custom      Topic:t2*               [Pub]                 [127.0.0.1, 10.0.0.0/8]   Deny'
  ],
  [
    '#Subject          #PolicyType  #Resource               #Actions              #SourceIp                 #Decision',
    'User:app1         Custom      Group:g1                [Pub, Sub]            null                      Allow'
  ],
  [],
  [
    'org.apache.rocketmq.tools.command.SubCommandException: CreateAclSubCommand command failed',
    'Caused by: org.apache.rocketmq.client.exception.MQBrokerException: CODE: 16  DESC: The subject of User:ghost is not exist.'
  ],
  [
    'org.apache.rocketmq.tools.command.SubCommandException: CreateAclSubCommand command failed',
    'Caused by: org.apache.rocketmq.client.exception.MQBrokerException: CODE: 16  DESC: The actions can not be Any.'
  ],
  [
    'org.apache.rocketmq.tools.command.SubCommandException: CreateAclSubCommand command failed',
    'Caused by: org.apache.rocketmq.client.exception.MQBrokerException: CODE: 16  DESC: The source ip is invalid.'
  ],
  [
    'org.apache.rocketmq.tools.command.SubCommandException: CreateAclSubCommand command failed',
    'Caused by: org.apache.rocketmq.client.exception.MQBrokerException: CODE: 16  DESC: The decision is null or illegal.'
  ],
  [
    'org.apache.rocketmq.tools.command.SubCommandException: CreateAclSubCommand command failed',
    'Caused by: org.apache.rocketmq.client.exception.MQBrokerException: CODE: 16  DESC: The resource is null.'
  ],
  [
    'delete acl to BROKER success.'
  ],
  [
    '#Subject          #PolicyType  #Resource               #Actions              #SourceIp                 #Decision',
    'User:app1         Custom      Group:g1                [Pub, Sub]            null                      Allow',
    'User:app1         Custom      Topic:t2*               [Pub]                 [127.0.0.1, 10.0.0.0/8]   Deny'
  ],
  [
    'copy acl of User:app1 from BROKER to BROKER success.'
  ],
  [
    'copy user of app1 from BROKER to BROKER success.'
  ],
  [
    'delete acl to BROKER success.'
  ],
  [],
  [
    'org.apache.rocketmq.tools.command.SubCommandException: DeleteAclSubCommand command failed',
    'Caused by: org.apache.rocketmq.client.exception.MQBrokerException: CODE: 16  DESC: The acl is not exist.'
  ],
  [
    'org.apache.rocketmq.tools.command.SubCommandException: GetAclSubCommand command failed',
    'Caused by: org.apache.rocketmq.client.exception.MQBrokerException: CODE: 16  DESC: The subject is not exist.'
  ],
  [
    'delete user to BROKER success.'
  ]
];
