import { randomBytes } from 'node:crypto';
import { failures } from './remote-exception';

/** Delegation tokens the way the NameNode's secret manager treats them: unknown or expired → InvalidToken. */
export class TokenBook {
  private readonly tokens = new Map<string, { user: string; expiresAt: number }>();

  issue(user = 'analyst', lifetimeMs = 3_600_000): string {
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { user, expiresAt: Date.now() + lifetimeMs });
    return token;
  }

  expire(token: string): void {
    const entry = this.tokens.get(token);
    if (entry) entry.expiresAt = Date.now() - 1;
  }

  /** Returns the token's user, or throws InvalidToken. */
  check(token: string): string {
    const entry = this.tokens.get(token);
    if (!entry) throw failures.invalidToken(`token (${token.slice(0, 8)}…) can't be found in cache`);
    if (entry.expiresAt < Date.now()) {
      throw failures.invalidToken(`token (${token.slice(0, 8)}…) is expired, current time: ${new Date().toISOString()}`);
    }
    return entry.user;
  }

  /** Only a live token can be renewed; returns the new expiry time (ms since epoch). */
  renew(token: string, lifetimeMs = 3_600_000): number {
    this.check(token);
    const entry = this.tokens.get(token)!;
    entry.expiresAt = Date.now() + lifetimeMs;
    return entry.expiresAt;
  }
}
