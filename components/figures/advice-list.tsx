import type { Advice } from '../../lib/advice/advice';
import type { MitigationCheck } from '../../lib/advice/mitigation-check';
import { CHECK_TITLE, checkFigures } from '../../lib/views/check-text';

/** Advice derived from the measurements (never canned), and the checks it rests on. */
export function AdviceList({ advice, checks }: { advice: readonly Advice[]; checks: readonly MitigationCheck[] }) {
  return (
    <section className="advice" data-testid="advice">
      <h2>Advice</h2>
      {advice.length === 0 ? (
        <p className="ok-text">Nothing to change: every measured lag was covered by this Deployment&apos;s settings.</p>
      ) : (
        <ul>
          {advice.map((a, i) => (
            <li key={`${a.check}-${i}`} className={`advice-${a.severity}`}>
              <span className={`pill ${a.severity === 'fail' ? 'bad' : a.severity === 'ok' ? 'ok' : 'warn'}`}>{a.severity}</span> {a.text}
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>Checks ({checks.filter((c) => c.status === 'ok').length} ok, {checks.filter((c) => c.status === 'fail').length} failed)</summary>
        <ul className="checks">
          {checks.map((c) => (
            <li key={c.id} data-check={c.id} title={c.id}>
              <span className={`pill ${c.status === 'ok' ? 'ok' : c.status === 'fail' ? 'bad' : ''}`}>{c.status}</span> {CHECK_TITLE[c.id]}{' '}
              <span className="muted">{checkFigures(c)}</span>
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}
