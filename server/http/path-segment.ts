/**
 * A percent-encoded path segment decoded, or undefined when its escapes are malformed ("%E0%A4%A", "%zz"):
 * the caller answers 400, where decodeURIComponent's URIError would have become a 500.
 */
export function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
