import type { SourceProblem } from '../../../lib/socket-contract';

export interface ProblemContext {
  /** The apiserver's URL, from the kubeconfig. */
  server: string;
  /** The kind and the request that failed (a list, or the watch after it). */
  kind: string;
  verb: 'list' | 'watch';
  /** The namespace watched, or undefined for all. */
  namespace?: string;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);
const RBAC_NEEDED = 'Cutover needs get, list and watch on pods, endpointslices (discovery.k8s.io), replicasets and deployments (apps)';

/** The error's code, also when a fetch wraps the system error in `cause` (node-fetch, undici). */
function codeOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Object && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** An HTTP status the apiserver answered with: client-node's ApiException carries it as `code`, a failed watch as `statusCode`. */
function httpStatusOf(error: unknown): number | undefined {
  if (!(error instanceof Object)) return undefined;
  for (const key of ['code', 'statusCode', 'status'] as const) {
    const value = (error as Record<string, unknown>)[key];
    if (typeof value === 'number' && value >= 100 && value < 600) return value;
  }
  const match = /HTTP-Code: (\d{3})|\b(401|403) (Unauthorized|Forbidden)\b/.exec(error instanceof Error ? error.message : '');
  return match ? Number(match[1] ?? match[2]) : undefined;
}

/** The apiserver's own words: the `message` of the Status object in the body, when there is one. */
function statusMessageOf(error: unknown): string | undefined {
  if (!(error instanceof Object)) return undefined;
  let body: unknown = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    const text = body;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      return text.trim() || undefined;
    }
  }
  const message = body instanceof Object ? (body as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : undefined;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.trim().split('\n')[0] || 'unknown error';
}

function isTlsError(code: string | undefined, message: string): boolean {
  if (code && /CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code)) return true;
  return /certificate|ssl|tls|wrong version number|handshake/i.test(message);
}

/**
 * Why the apiserver could not be read, classified so the dashboard and the terminal say it plainly:
 * cannot connect, TLS fails, the credentials are refused (401), or RBAC lacks a verb (403, with the
 * verb and resource the apiserver named). Anything else is passed on with its first line.
 */
export function clusterProblem(error: unknown, context: ProblemContext): SourceProblem {
  const target = `${context.server}, ${context.namespace ? `namespace ${context.namespace}` : 'all namespaces'}`;
  return { ...classify(error, context), target };
}

function classify(error: unknown, context: ProblemContext): SourceProblem {
  const { server, kind, verb } = context;
  const where = context.namespace ? `namespace ${context.namespace}` : 'all namespaces';
  const status = httpStatusOf(error);
  const code = codeOf(error);
  const message = firstLine(error);
  if (status === 401) {
    return {
      kind: 'unauthorized',
      reason: `${server} refused the credentials (401 Unauthorized) when listing ${kind}s`,
      action: "The kubeconfig user's token or certificate has expired or is wrong: log in again (refresh your cloud provider's credentials, e.g. with its CLI) or pick another --context, then restart Cutover.",
    };
  }
  if (status === 403) {
    const said = statusMessageOf(error);
    // "pods is forbidden: User "x" cannot list resource "pods" in API group "" in the namespace "shop""
    const rbac = said ? /User "([^"]*)" cannot (\w+) resource "([^"]+)"(?: in API group "([^"]*)")?/.exec(said) : null;
    const missing = rbac ? `${rbac[1]} may not ${rbac[2]} ${rbac[3]}${rbac[4] ? ` (${rbac[4]})` : ''}` : `the user may not ${verb} ${kind}s`;
    return {
      kind: 'forbidden',
      reason: `${missing} in ${where} (403 Forbidden)`,
      action: `Grant the missing verb with a Role or ClusterRole bound to that user (deploy/ has both), or watch a namespace you may read with -n. ${RBAC_NEEDED}.`,
    };
  }
  if (isTlsError(code, message)) {
    return {
      kind: 'tls',
      reason: `TLS with ${server} failed: ${message}`,
      action: server.startsWith('https:')
        ? "Check the kubeconfig's certificate-authority for this cluster and that the URL is the apiserver's (a plain-HTTP endpoint such as kubectl proxy belongs in the kubeconfig as http://)."
        : 'The server expects HTTPS: write its URL as https:// in the kubeconfig.',
    };
  }
  if (code && UNREACHABLE.has(code)) {
    return {
      kind: 'unreachable',
      reason: `cannot reach ${server} (${code})`,
      action: 'Check that the cluster is running and that this machine can reach it (VPN, firewall, the port in the kubeconfig), or pick another context with --context.',
    };
  }
  return {
    kind: 'error',
    reason: status ? `${server} answered ${status} when ${verb === 'list' ? 'listing' : 'watching'} ${kind}s: ${statusMessageOf(error) ?? message}` : `${verb} of ${kind}s failed: ${message}`,
    action: 'Cutover retries with a growing delay; check the apiserver and the kubeconfig.',
  };
}
