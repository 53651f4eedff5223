/**
 * HTTP to the API server through @kubernetes/client-node: the generic `KubernetesObjectApi`
 * machinery (auth from the kubeconfig — tokens, client certificates, exec plugins — TLS agents,
 * middleware) with raw JSON in and out, so objects keep every field and their timestamps stay
 * strings. Every request, watches included, first takes a token from the rate limiter.
 */
import { ApiException, KubernetesObjectApi, Watch } from '@kubernetes/client-node';
import type { HttpMethod, KubeConfig, KubernetesObject, ResponseContext } from '@kubernetes/client-node';
import { ApiError } from '../errors.js';
import type { TokenBucket } from './rate-limiter.js';
import type { RequestDescription } from './status-error.js';
import { statusToApiError, unreachable } from './status-error.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  /** Sent as JSON (also for `application/apply-patch+yaml`: JSON is YAML). */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** `text` for plain-text answers (pod logs); JSON otherwise. */
  responseType?: 'json' | 'text';
  describe: RequestDescription;
}

/** Passed through client-node as the response "type" to ask for the body as text. */
const TEXT = 'fluxion:text';

/** `KubernetesObjectApi` with one generic request: any path, any verb, untyped JSON back. */
class RawObjectApi extends KubernetesObjectApi {
  async send(o: RequestOptions): Promise<unknown> {
    const ctx = this.configuration.baseServer.makeRequestContext(o.path, o.method as HttpMethod);
    ctx.setHeaderParam('Accept', o.responseType === 'text' ? 'text/plain, */*' : 'application/json');
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) ctx.setQueryParam(k, String(v));
    for (const [k, v] of Object.entries(o.headers ?? {})) ctx.setHeaderParam(k, v);
    if (o.body !== undefined) {
      ctx.setHeaderParam('Content-Type', o.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(o.body));
    }
    return this.requestPromise(ctx, o.responseType === 'text' ? TEXT : undefined);
  }

  /**
   * The body as parsed JSON, not client-node's typed models (which turn timestamps into Dates
   * and drop fields they do not know).
   */
  protected override async processResponse<T extends KubernetesObject>(response: ResponseContext, type?: string): Promise<T> {
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) {
      const text = await response.body.text();
      if (type === TEXT) return text as unknown as T;
      return (text ? JSON.parse(text) : undefined) as T;
    }
    throw new ApiException(response.httpStatusCode, 'Unsuccessful HTTP Request', await response.getBodyAsAny(), response.headers);
  }
}

/** One open watch stream. */
export interface WatchStream {
  abort(): void;
}

export interface WatchHandlers {
  onEvent(type: string, object: unknown): void;
  /** The stream ended: `err` undefined when the server closed it normally. */
  onClose(err: unknown): void;
}

export class Transport {
  private readonly api: RawObjectApi;

  constructor(
    readonly kubeConfig: KubeConfig,
    readonly limiter: TokenBucket,
  ) {
    this.api = kubeConfig.makeApiClient(RawObjectApi);
  }

  /** The API server's URL, for messages. */
  get server(): string {
    return this.kubeConfig.getCurrentCluster()?.server ?? '';
  }

  async request(o: RequestOptions): Promise<unknown> {
    await this.limiter.wait();
    try {
      return await this.api.send(o);
    } catch (err) {
      throw toApiError(err, o.describe);
    }
  }

  /**
   * Opens a watch on a collection path. Resolves once the server answered 200 and the stream
   * is flowing; rejects with an ApiError when it refused (the body of a refused watch is not
   * available through client-node's Watch, so the message is built from the request).
   */
  async watch(path: string, query: Query, headers: Record<string, string>, describe: RequestDescription, handlers: WatchHandlers): Promise<WatchStream> {
    await this.limiter.wait();
    const config = withHeaders(this.kubeConfig, headers);
    let opened = false;
    let refused: unknown;
    const controller = await new Watch(config)
      .watch(path, query, (type: string, object: unknown) => handlers.onEvent(type, object), (err: unknown) => {
        if (!opened) refused = err ?? new Error('watch closed before it opened');
        else handlers.onClose(err ?? undefined);
      })
      .catch((err: unknown) => {
        throw toApiError(err, describe);
      });
    if (refused !== undefined) throw toApiError(refused, describe);
    opened = true;
    return { abort: () => controller.abort() };
  }
}

function toApiError(err: unknown, describe: RequestDescription): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof ApiException) return statusToApiError(err.code, err.body, describe);
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof code === 'number') return statusToApiError(code, undefined, describe);
  return unreachable(err, describe);
}

/** A view of the kubeconfig whose fetch options carry extra headers (client-node's Watch takes no headers). */
function withHeaders(kc: KubeConfig, headers: Record<string, string>): KubeConfig {
  if (!Object.keys(headers).length) return kc;
  const view = Object.create(kc) as KubeConfig;
  view.applyToFetchOptions = async (opts) => {
    const init = await kc.applyToFetchOptions(opts);
    const h = init.headers as { set(name: string, value: string): void } | undefined;
    for (const [k, v] of Object.entries(headers)) h?.set(k, v);
    return init;
  };
  return view;
}
