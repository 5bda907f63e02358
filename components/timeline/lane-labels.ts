/** Cuts a long name in the middle so the distinctive tail (a pod's random suffix) stays readable. */
export function fitLabel(name: string, maxChars: number): string {
  if (name.length <= maxChars) return name;
  const keep = maxChars - 1;
  const head = Math.ceil(keep / 2);
  return `${name.slice(0, head)}…${name.slice(name.length - (keep - head))}`;
}
