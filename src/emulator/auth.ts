// HTTP Basic auth as the service does it: user = stack id, password = token.
import { timingSafeEqual, createHash } from "node:crypto";

/** The HTTP Basic credentials the emulator requires. */
export interface BasicAuthCredentials {
  /** The user (a stack id, on the real service). */
  user: string;
  /** The token (an access-policy token, on the real service). */
  token: string;
}

// Hashing both sides first gives equal-length buffers, so the comparison
// takes the same time whatever the input length.
function sameSecret(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** True when the `Authorization` header carries exactly these credentials. */
export function isAuthorized(header: string | undefined, expected: BasicAuthCredentials): boolean {
  if (header === undefined) return false;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return false;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return false;
  const userOk = sameSecret(decoded.slice(0, colon), expected.user);
  const tokenOk = sameSecret(decoded.slice(colon + 1), expected.token);
  return userOk && tokenOk;
}
