/**
 * The bridge client and its wire types: `Bridge`, its errors, the JSON
 * shapes of the bridge's API, multipart uploads and the server-sent event
 * stream.
 *
 * @example
 * ```ts ignore
 * import { Bridge } from "owmeta-torrent/bridge";
 * await using bridge = await Bridge.connect({ start: false });
 * console.log(bridge.url);
 * ```
 *
 * @module
 */
export { translationRunJson, translatorJson } from "./translation_json.ts";
export {
  Bridge,
  type BridgeConnectOptions,
  type BridgeFetchOptions,
  type BridgePublishOptions,
  type BridgeTranslateOptions,
  type BridgeWatchOptions,
} from "./client.ts";
export { BridgeError, type BridgeErrorOptions } from "./errors.ts";
export type { BridgeStartOptions } from "./start.ts";
export type { MultipartBody, UploadFile } from "./multipart.ts";
export { EventSourceParserStream, type ServerSentEvent } from "./sse.ts";
export type {
  ApiError,
  BridgeEvent,
  BridgeFile,
  CreateDataSourceBody,
  DataSourceDetail,
  DataSourceItem,
  FetchAccepted,
  IdentityChange,
  PublishedJson,
  SavedDataSource,
  TorrentStatusJson,
  TranslateBody,
  TranslationJson,
  TranslatorJson,
} from "./api_types.ts";
