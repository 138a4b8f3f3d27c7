import { execFile } from 'node:child_process';
import { FlowbookError } from '../../errors';

/** The environment variable naming DataNode address rewrites, e.g. `9f3c2a1b7d44:9864=127.0.0.1:19864`. */
export const DATANODE_MAP_SETTING = 'FLOWBOOK_HDFS_DATANODE_MAP';
export const USER_SETTING = 'FLOWBOOK_HDFS_USER';
export const TOKEN_SETTING = 'FLOWBOOK_HDFS_TOKEN';
/** A shell command printing a fresh delegation token (or the GETDELEGATIONTOKEN JSON), run when the token is rejected. */
export const TOKEN_COMMAND_SETTING = 'FLOWBOOK_HDFS_TOKEN_COMMAND';

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

/**
 * A token provider that runs `command` in a shell and takes its output: a bare token, or the JSON
 * of op=GETDELEGATIONTOKEN (`{"Token":{"urlString":…}}`), e.g.
 * `curl -s --negotiate -u : "http://nn:9870/webhdfs/v1/?op=GETDELEGATIONTOKEN"`.
 */
export function tokenFromCommand(command: string): () => Promise<string> {
  return () =>
    new Promise((resolve, reject) => {
      execFile('/bin/sh', ['-c', command], { timeout: 60_000 }, (error, stdout, stderr) => {
        const token = error ? '' : tokenIn(stdout);
        if (token) return resolve(token);
        reject(
          new FlowbookError(
            'HdfsTokenCommandFailed',
            `the command in ${TOKEN_COMMAND_SETTING} gave no delegation token${error ? ` (${error.message.split('\n')[0]})` : ''}${stderr.trim() ? `: ${stderr.trim().slice(0, 300)}` : ''}`,
            `run it in a terminal; it must print a token or the JSON of op=GETDELEGATIONTOKEN (kinit first on Kerberos clusters)`,
            { command },
          ),
        );
      });
    });
}

function tokenIn(output: string): string {
  const text = output.trim();
  if (!text.startsWith('{')) return text;
  try {
    const urlString = (JSON.parse(text) as { Token?: { urlString?: unknown } }).Token?.urlString;
    return typeof urlString === 'string' ? urlString : '';
  } catch {
    return '';
  }
}

/** The options the environment sets: FLOWBOOK_HDFS_USER, FLOWBOOK_HDFS_TOKEN, FLOWBOOK_HDFS_TOKEN_COMMAND, FLOWBOOK_HDFS_DATANODE_MAP. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<WebHdfsOptions> {
  const options: Partial<WebHdfsOptions> = {};
  if (env[USER_SETTING]) options.user = env[USER_SETTING];
  if (env[TOKEN_SETTING]) options.token = env[TOKEN_SETTING];
  if (env[TOKEN_COMMAND_SETTING]) options.refreshToken = tokenFromCommand(env[TOKEN_COMMAND_SETTING] ?? '');
  if (env[DATANODE_MAP_SETTING]) options.dataNodeMap = parseDataNodeMap(env[DATANODE_MAP_SETTING] ?? '');
  return options;
}
