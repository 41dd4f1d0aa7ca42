/**
 * lib/dashboard: the opt-in web dashboard (apogeeDashboardPort). It is a client of the cluster: every number comes
 * through lib/client's remoting calls against the NameServer, as mqadmin's do. lib/bin starts it next to the broker.
 */
export { Dashboard, DASHBOARD_REQUEST_BYTES_MAX, type DashboardOptions } from './server';
export { ApiError, QUERY_MESSAGES_MAX, OVERVIEW_TOPICS_MAX, GROUPS_MAX } from './api';
