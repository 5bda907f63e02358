/**
 * Okabe-Ito colours, chosen so that readers with any common colour-vision deficiency can tell them apart.
 * The old revision of a rollout is always blue and the new one always orange; further revisions (a
 * rollback's third ReplicaSet) take the remaining hues. Failures use vermillion plus a distinct shape,
 * never colour alone.
 */
export const OKABE_ITO = {
  blue: '#0072B2',
  orange: '#E69F00',
  bluishGreen: '#009E73',
  skyBlue: '#56B4E9',
  yellow: '#F0E442',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  black: '#000000',
} as const;

export const REVISION_COLOURS: readonly string[] = [OKABE_ITO.blue, OKABE_ITO.orange, OKABE_ITO.bluishGreen, OKABE_ITO.skyBlue, OKABE_ITO.reddishPurple];
export const DROPPED_COLOUR = OKABE_ITO.vermillion;
/** Stale responses: served after SIGTERM (DESIGN.md), what the headline counts. */
export const STALE_COLOUR = OKABE_ITO.reddishPurple;
/**
 * Served after leaving the ready endpoints but before SIGTERM (a node's lag covered by a preStop sleep): not
 * stale, so not a warning colour; drawn as an outline, apart from the stale fill by shape too.
 */
export const COVERED_COLOUR = OKABE_ITO.bluishGreen;
/** The moment a node's rules were correct: failures after it are conntrack tail. */
export const RULES_CORRECT_COLOUR = OKABE_ITO.bluishGreen;

export function revisionColour(index: number): string {
  return REVISION_COLOURS[index % REVISION_COLOURS.length] ?? OKABE_ITO.blue;
}

export interface RevisionInfo {
  /** pod-template-hash, or '' for pods that carry none. */
  hash: string;
  revision?: number;
  /** Index into REVISION_COLOURS: 0 old, 1 new, then in order of first appearance. */
  colour: number;
  role: 'old' | 'new' | 'other';
  label: string;
}

/** Assigns each template hash of a rollout its colour and role; stable for a given input order. */
export function assignRevisions(fromHash: string | undefined, toHash: string | undefined, seen: readonly { hash: string; revision?: number }[]): RevisionInfo[] {
  const out: RevisionInfo[] = [];
  const byHash = new Map<string, { hash: string; revision?: number }>();
  for (const s of seen) if (!byHash.has(s.hash) || byHash.get(s.hash)?.revision === undefined) byHash.set(s.hash, s);
  const push = (hash: string, role: RevisionInfo['role'], colour: number) => {
    const revision = byHash.get(hash)?.revision;
    const info: RevisionInfo = { hash, colour, role, label: `${role === 'other' ? 'rev' : role} ${revision !== undefined ? `r${revision} ` : ''}${hash || '(no hash)'}`.trim() };
    if (revision !== undefined) info.revision = revision;
    out.push(info);
  };
  if (fromHash !== undefined) push(fromHash, 'old', 0);
  if (toHash !== undefined && toHash !== fromHash) push(toHash, 'new', 1);
  let next = 2;
  for (const s of byHash.values()) if (!out.some((r) => r.hash === s.hash)) push(s.hash, 'other', next++);
  return out;
}
