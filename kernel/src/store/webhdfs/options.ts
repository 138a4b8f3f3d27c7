import { FlowbookError } from '../../errors';

/** The environment variable naming DataNode address rewrites, e.g. `9f3c2a1b7d44:9864=127.0.0.1:19864`. */
export const DATANODE_MAP_SETTING = 'FLOWBOOK_HDFS_DATANODE_MAP';
export const USER_SETTING = 'FLOWBOOK_HDFS_USER';
export const TOKEN_SETTING = 'FLOWBOOK_HDFS_TOKEN';

export interface WebHdfsOptions {
  /** NameNode HTTP addresses (`host:port`); more than one for HA, tried in order on standby or refusal. */
  nameNodes: string[];
  /** Simple authentication: sent as `user.name` when no token is set. */
  user?: string;
  /** A delegation token; when set, it is the only credential sent (`delegation=`, never `user.name`/`doas`). */
  token?: string;
  /**
   * Called once when the cluster rejects the token (InvalidToken: expired or unknown) to renew it or
   * fetch a new one; the operation is then retried once with the token it returns.
   */
  refreshToken?: (rejectedToken: string) => Promise<string>;
  /**
   * DataNode addresses the NameNode names but this machine cannot reach, mapped to ones it can:
   * `host:port` (or a bare `host`, any port) → `host:port` (or `host`, keeping the port).
   */
  dataNodeMap?: ReadonlyMap<string, string>;
  /** A request fails when its connection stays idle this long. Default 5 minutes. */
  idleTimeoutMs?: number;
}

/** `a:1=b:2, c=d` → Map; entries separated by commas or whitespace. */
export function parseDataNodeMap(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of text.split(/[\s,]+/).filter((e) => e !== '')) {
    const [from, to, ...rest] = entry.split('=');
    if (!from || !to || rest.length > 0) {
      throw new FlowbookError(
        'HdfsSettingInvalid',
        `${DATANODE_MAP_SETTING} has an entry that is not FROM=TO: "${entry}"`,
        `write entries like ${DATANODE_MAP_SETTING}="9f3c2a1b7d44:9864=127.0.0.1:19864", separated by commas`,
        { entry },
      );
    }
    map.set(from.toLowerCase(), to);
  }
  return map;
}

/** The options the environment sets: FLOWBOOK_HDFS_USER, FLOWBOOK_HDFS_TOKEN, FLOWBOOK_HDFS_DATANODE_MAP. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<WebHdfsOptions> {
  const options: Partial<WebHdfsOptions> = {};
  if (env[USER_SETTING]) options.user = env[USER_SETTING];
  if (env[TOKEN_SETTING]) options.token = env[TOKEN_SETTING];
  if (env[DATANODE_MAP_SETTING]) options.dataNodeMap = parseDataNodeMap(env[DATANODE_MAP_SETTING] ?? '');
  return options;
}
