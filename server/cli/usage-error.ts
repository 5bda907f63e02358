/** A bad flag value found after parsing (a kubeconfig that cannot be read, an unknown scenario): exit code 2, as README promises. */
export class UsageError extends Error {}
