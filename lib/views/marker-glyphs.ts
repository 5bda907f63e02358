import type { Span } from '../measure/intervals';
import type { MarkerKind, TimelineMarker } from './timeline-markers';

/** Shapes, not only colours, tell marker kinds apart. */
export const MARKER_GLYPH: Record<MarkerKind, string> = {
  'rollout-start': '▶',
  'rollout-end': '■',
  deletion: '✕',
  'endpoint-ready': '▲',
  'endpoint-unready': '▼',
  user: '◆',
};

const KIND_ORDER: readonly MarkerKind[] = ['rollout-start', 'deletion', 'endpoint-unready', 'endpoint-ready', 'user', 'rollout-end'];

export interface GlyphGroup {
  /** Left edge of the group's text, px. */
  x: number;
  /** Estimated width of the text, px. */
  width: number;
  /** The text drawn: each kind's glyph once, with its count when more than one ("✕3▼3▲3"). */
  text: string;
  /** The markers it stands for, in time order (for the tooltip and tests). */
  markers: TimelineMarker[];
}

/** Glyphs and digits at 12 px are about this wide (the glyphs ▶✕▲▼■◆ a little more than a digit). */
const GLYPH_PX = 11;
const DIGIT_PX = 7;

function textOf(markers: readonly TimelineMarker[]): { text: string; width: number } {
  const counts = new Map<MarkerKind, number>();
  for (const m of markers) counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1);
  let text = '';
  let width = 0;
  for (const kind of KIND_ORDER) {
    const n = counts.get(kind);
    if (n === undefined) continue;
    text += MARKER_GLYPH[kind];
    width += GLYPH_PX;
    if (n > 1) {
      text += String(n);
      width += String(n).length * DIGIT_PX;
    }
  }
  return { text, width };
}

/**
 * The event row's glyphs at pixel resolution: markers closer than their drawn text would overlap are
 * drawn as one group ("✕3▼3▲3", counts per kind) that starts at the first one, so the row never piles
 * glyphs into an unreadable blob where many pods change at once (a rollout's first second). Groups never
 * overlap: a marker joins the group whose text reaches past it, else starts the next one.
 */
export function glyphGroups(markers: readonly TimelineMarker[], view: Span, plot: { x: number; width: number }, gapPx = 3): GlyphGroup[] {
  const span = view.to - view.from;
  const xOf = (t: number) => plot.x + ((t - view.from) / (span > 0 ? span : 1)) * plot.width;
  const shown = markers.filter((m) => m.at >= view.from && m.at <= view.to).sort((a, b) => a.at - b.at);
  const groups: GlyphGroup[] = [];
  let current: GlyphGroup | undefined;
  for (const m of shown) {
    const x = xOf(m.at);
    if (current && x - GLYPH_PX / 2 <= current.x + current.width + gapPx) {
      current.markers.push(m);
      Object.assign(current, textOf(current.markers));
      continue;
    }
    current = { x: x - GLYPH_PX / 2, markers: [m], ...textOf([m]) };
    groups.push(current);
  }
  return groups;
}
