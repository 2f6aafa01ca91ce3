/** Secret redaction: every value listed as secret is replaced wherever it appears in a text. */
export const REDACTED = '[REDACTED]';

export function redact(text: string, secrets: readonly string[] | undefined): string {
  if (!secrets?.length || !text) return text;
  let out = text;
  // Longest first so that a secret containing another is replaced whole.
  for (const s of [...secrets].filter((x) => x && x.length >= 3).sort((a, b) => b.length - a.length)) {
    out = out.split(s).join(REDACTED);
    const encoded = encodeURIComponent(s);
    if (encoded !== s) out = out.split(encoded).join(REDACTED);
  }
  return out;
}

/** Query-string and header names whose values are secrets on any platform. */
const SECRET_NAMES = /^(password|passwd|passWord|token|access_token|sign|apikey|api_key|authorization|secret|appkey|key)$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAMES.test(name);
}

/** A URL safe to log: secret query values replaced. */
export function safeUrl(url: string, query: Record<string, string> | undefined, secrets?: readonly string[]): string {
  if (!query || !Object.keys(query).length) return redact(url, secrets);
  const parts = Object.entries(query).map(([k, v]) => `${k}=${isSecretName(k) ? REDACTED : encodeURIComponent(v)}`);
  return redact(`${url}?${parts.join('&')}`, secrets);
}
