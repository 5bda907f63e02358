import type { HeadlineFigure } from '../../lib/views/headline-figures';

/** The rollout's figures as cards; each carries the report's exact text for comparison and export. */
export function HeadlineFigures({ figures }: { figures: readonly HeadlineFigure[] }) {
  return (
    <dl className="figures" data-testid="figures">
      {figures.map((f) => (
        <div key={f.id} className={`figure tone-${f.tone}`} data-testid={`figure-${f.id}`} data-value={f.value ?? ''} data-report={f.reportText}>
          <dt>{f.label}</dt>
          <dd>
            <span className="figure-value">{f.text}</span>
            {f.boundText ? <span className="figure-bound">{f.boundText}</span> : null}
            {f.where ? <span className="figure-where">{f.where}</span> : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}
