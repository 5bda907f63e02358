/** A Kubernetes Status failure, thrown inside the lab and written out as the API writes it. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string; causes?: Array<{ reason: string; message: string; field: string }> },
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

export const notFound = (kind: string, name: string, plural = kind.toLowerCase() + 's') =>
  new ApiError(404, 'NotFound', `${plural} "${name}" not found`, { name, kind: plural });
export const alreadyExists = (plural: string, name: string) =>
  new ApiError(409, 'AlreadyExists', `${plural} "${name}" already exists`, { name, kind: plural });
export const conflict = (plural: string, name: string) =>
  new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, kind: plural },
  );
export const gone = (message: string) => new ApiError(410, 'Expired', message);
/** 422 with the field as a cause, which kubectl prints after "is invalid:". `message` starts with the field path. */
export const invalid = (kind: string, name: string, message: string) => {
  const field = /^([\w.[\]]+): /.exec(message)?.[1] ?? '';
  const [bareKind = kind, group] = kind.split(/\.(.*)/s);
  return new ApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${message}`, {
    name,
    kind: bareKind,
    ...(group ? { group } : {}),
    causes: [{ reason: 'FieldValueInvalid', message: field ? message.slice(field.length + 2) : message, field }],
  });
};
export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);
export const methodNotAllowed = (message: string) => new ApiError(405, 'MethodNotAllowed', message);
