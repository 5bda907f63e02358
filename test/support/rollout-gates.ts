// Test support: the rollout gates in deploy/gates read as Argo Rollouts and Flagger read them, so a test can run
// their exact PromQL and apply their exact conditions.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';

export interface GateMetric {
  gate: 'argo-rollouts' | 'flagger';
  name: string;
  /** The query as the controller sends it, every template variable filled in. */
  query: string;
  /** Whether the controller counts this result as a success. */
  passes(result: number[]): boolean;
}

const analysisTemplate = z.object({
  kind: z.literal('AnalysisTemplate'),
  spec: z.object({
    args: z.array(z.object({ name: z.string(), value: z.string().optional() })),
    metrics: z.array(z.object({ name: z.string(), successCondition: z.string(), provider: z.object({ prometheus: z.object({ address: z.string(), query: z.string() }) }) })),
  }),
});
const metricTemplate = z.object({ kind: z.literal('MetricTemplate'), metadata: z.object({ name: z.string() }), spec: z.object({ provider: z.object({ type: z.literal('prometheus') }), query: z.string() }) });
const canary = z.object({
  kind: z.literal('Canary'),
  spec: z.object({ analysis: z.object({ metrics: z.array(z.object({ name: z.string(), templateRef: z.object({ name: z.string() }), thresholdRange: z.object({ min: z.number().optional(), max: z.number().optional() }) })) }) }),
});

function documents(file: string): unknown[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS());
}

/** Argo Rollouts substitutes `{{args.NAME}}` through the whole metric; an unknown arg is an error there too. */
function resolveArgs(text: string, args: Record<string, string>): string {
  return text.replace(/\{\{\s*args\.([a-z0-9-]+)\s*\}\}/gi, (_, name: string) => {
    const value = args[name];
    if (value === undefined) throw new Error(`the AnalysisTemplate uses args.${name}, which has no value`);
    return value;
  });
}

/**
 * The successCondition forms these templates use, evaluated as Argo's expr does: `result[0] OP NUMBER`. An
 * empty result makes result[0] fail to evaluate (an Error measurement, not a success). Any other form throws,
 * so a template changed beyond what this reads fails the test instead of being judged wrongly.
 */
function argoCondition(condition: string): (result: number[]) => boolean {
  const match = /^\s*result\[0\]\s*(<=|<|>=|>|==)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(condition);
  if (!match) throw new Error(`successCondition "${condition}" is not of the form result[0] OP NUMBER`);
  const op = match[1];
  const n = Number(match[2]);
  return (result) => {
    const v = result[0];
    if (v === undefined) return false;
    switch (op) {
      case '<=':
        return v <= n;
      case '<':
        return v < n;
      case '>=':
        return v >= n;
      case '>':
        return v > n;
      default:
        return v === n;
    }
  };
}

/** The AnalysisTemplate's metrics for one Deployment, with its own defaults for the other args. */
export function argoGate(deployDir: string, target: { namespace: string; deployment: string }): GateMetric[] {
  const [doc] = documents(path.join(deployDir, 'gates/argo-rollouts/analysis-template.yaml'));
  const template = analysisTemplate.parse(doc);
  const args: Record<string, string> = { namespace: target.namespace, deployment: target.deployment };
  for (const a of template.spec.args) if (a.value !== undefined) args[a.name] ??= a.value;
  return template.spec.metrics.map((m) => ({
    gate: 'argo-rollouts',
    name: m.name,
    query: resolveArgs(m.provider.prometheus.query, args),
    passes: argoCondition(resolveArgs(m.successCondition, args)),
  }));
}

/**
 * The MetricTemplates as the example Canary uses them: Flagger fills in {{ namespace }} and {{ target }}, takes the
 * first sample, and passes it when it lies in the Canary's thresholdRange; no sample is a failed check.
 */
export function flaggerGate(deployDir: string, target: { namespace: string; deployment: string }): GateMetric[] {
  const templates = documents(path.join(deployDir, 'gates/flagger/metric-templates.yaml')).map((d) => metricTemplate.parse(d));
  const [canaryDoc] = documents(path.join(deployDir, 'gates/flagger/canary-analysis.example.yaml'));
  return canary.parse(canaryDoc).spec.analysis.metrics.map((m) => {
    const template = templates.find((t) => t.metadata.name === m.templateRef.name);
    if (!template) throw new Error(`the Canary names MetricTemplate ${m.templateRef.name}, which deploy/gates/flagger lacks`);
    const query = template.spec.query.replace(/\{\{\s*namespace\s*\}\}/g, target.namespace).replace(/\{\{\s*target\s*\}\}/g, target.deployment);
    if (/\{\{/.test(query)) throw new Error(`MetricTemplate ${template.metadata.name} uses a variable this test does not fill: ${query}`);
    const { min, max } = m.thresholdRange;
    return {
      gate: 'flagger',
      name: m.name,
      query,
      passes: (result: number[]) => {
        const v = result[0];
        return v !== undefined && (min === undefined || v >= min) && (max === undefined || v <= max);
      },
    };
  });
}
