import { z } from 'zod';
import { rawMetadataSchema, slimMeta, slimMetaSchema } from './slim-meta';

const rawEndpointSchema = z.object({
  addresses: z.array(z.string()).default([]),
  conditions: z
    .object({
      ready: z.boolean().nullish(),
      serving: z.boolean().nullish(),
      terminating: z.boolean().nullish(),
    })
    .default({}),
  nodeName: z.string().optional(),
  targetRef: z.object({ kind: z.string().optional(), name: z.string().optional(), uid: z.string().optional() }).optional(),
});

const rawEndpointSliceSchema = z.object({
  metadata: rawMetadataSchema,
  addressType: z.string().optional(),
  endpoints: z.array(rawEndpointSchema).nullish(),
});

export const slimEndpointSchema = z.object({
  addresses: z.array(z.string()),
  /** Per the API: a nil `ready` means ready; nil `serving` follows `ready`; nil `terminating` means false. */
  ready: z.boolean(),
  serving: z.boolean(),
  terminating: z.boolean(),
  nodeName: z.string().optional(),
  podName: z.string().optional(),
  podUid: z.string().optional(),
});
export type SlimEndpoint = z.infer<typeof slimEndpointSchema>;

export const slimEndpointSliceSchema = z.object({
  kind: z.literal('EndpointSlice'),
  meta: slimMetaSchema,
  serviceName: z.string().optional(),
  endpoints: z.array(slimEndpointSchema),
});
export type SlimEndpointSlice = z.infer<typeof slimEndpointSliceSchema>;

export function slimEndpointSlice(raw: unknown): SlimEndpointSlice {
  const slice = rawEndpointSliceSchema.parse(raw);
  const meta = slimMeta(slice.metadata);
  const out: SlimEndpointSlice = {
    kind: 'EndpointSlice',
    meta,
    endpoints: (slice.endpoints ?? []).map((e) => {
      const ready = e.conditions.ready ?? true;
      const endpoint: SlimEndpoint = {
        addresses: e.addresses,
        ready,
        serving: e.conditions.serving ?? ready,
        terminating: e.conditions.terminating ?? false,
      };
      if (e.nodeName !== undefined) endpoint.nodeName = e.nodeName;
      if (e.targetRef?.kind === 'Pod' && e.targetRef.name !== undefined) endpoint.podName = e.targetRef.name;
      if (e.targetRef?.kind === 'Pod' && e.targetRef.uid !== undefined) endpoint.podUid = e.targetRef.uid;
      return endpoint;
    }),
  };
  const service = meta.labels['kubernetes.io/service-name'];
  if (service !== undefined) out.serviceName = service;
  return out;
}
