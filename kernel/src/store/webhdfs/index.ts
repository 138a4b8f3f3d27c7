/** The HDFS store over WebHDFS; `store/open.ts` imports this lazily for `hdfs://` URIs. */
export { WebHdfsStore, openHdfsReadStream, parseHdfsUri, type HdfsStoreOptions } from './store';
export { WebHdfsClient, type HdfsFileStatus, type UploadBody } from './client';
export { WebHdfsRemoteError } from './errors';
export {
  DATANODE_MAP_SETTING,
  TOKEN_COMMAND_SETTING,
  TOKEN_SETTING,
  USER_SETTING,
  optionsFromEnv,
  parseDataNodeMap,
  tokenFromCommand,
  type WebHdfsOptions,
} from './options';
export { downloadHdfsSource, listHdfsSource, type HdfsSourceFile } from './source-download';
