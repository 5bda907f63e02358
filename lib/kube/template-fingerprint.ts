/**
 * A short deterministic fingerprint of a pod template, so a template change is seen on the Deployment itself
 * (the moment `kubectl apply` lands), before the controller creates the new ReplicaSet. FNV-1a over canonical
 * JSON: not cryptographic, and it reveals nothing useful about the values it covers.
 */
export function templateFingerprint(value: unknown): string {
  let hash = 0x811c9dc5;
  const text = canonicalJson(value);
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
