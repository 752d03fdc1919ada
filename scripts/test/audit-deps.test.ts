import { describe, expect, it } from 'vitest';
import { type AllowEntry, evaluateAudit, readAllowlist } from '../audit-deps.ts';

/** The shape of `npm audit --json` (npm 11), trimmed to what the check reads. */
function report(...advisories: { name: string; severity: string; ghsa: string }[]) {
  const vulnerabilities: Record<string, { via: unknown[] }> = {};
  for (const a of advisories) {
    vulnerabilities[a.name] = {
      via: [
        {
          source: 1_100_000,
          name: a.name,
          title: `Problem in ${a.name}`,
          url: `https://github.com/advisories/${a.ghsa}`,
          severity: a.severity,
        },
      ],
    };
    // A package that is vulnerable only through the first one.
    vulnerabilities[`uses-${a.name}`] = { via: [a.name] };
  }
  return { auditReportVersion: 2, vulnerabilities, metadata: {} };
}

const reason = 'Only reachable through the admin build tool, never with user input.';

describe('npm audit of production dependencies', () => {
  it('fails on a high or critical advisory the allow-list does not explain', () => {
    const verdict = evaluateAudit(
      report(
        { name: 'left-pad', severity: 'critical', ghsa: 'GHSA-aaaa-bbbb-cccc' },
        { name: 'is-odd', severity: 'moderate', ghsa: 'GHSA-dddd-eeee-ffff' },
      ),
      [],
    );
    expect(verdict.kind === 'checked' && verdict.blocking.map((a) => a.id)).toEqual(['GHSA-aaaa-bbbb-cccc']);
    expect(verdict.kind === 'checked' && verdict.other.map((a) => a.package)).toEqual(['is-odd']);
  });

  it('passes when each serious advisory is explained, and flags entries no longer reported', () => {
    const allow: AllowEntry[] = [
      { advisory: 'GHSA-aaaa-bbbb-cccc', package: 'left-pad', reason, reviewed: '2026-12-02' },
      { advisory: 'GHSA-zzzz-zzzz-zzzz', package: 'gone', reason, reviewed: '2026-12-02' },
    ];
    const verdict = evaluateAudit(
      report({ name: 'left-pad', severity: 'high', ghsa: 'GHSA-aaaa-bbbb-cccc' }),
      allow,
    );
    expect(verdict.kind === 'checked' && verdict.blocking).toEqual([]);
    expect(verdict.kind === 'checked' && verdict.stale.map((e) => e.package)).toEqual(['gone']);
  });

  it('does not accept an entry without a real reason, or for another package', () => {
    const verdict = evaluateAudit(
      report({ name: 'left-pad', severity: 'high', ghsa: 'GHSA-aaaa-bbbb-cccc' }),
      [
        { advisory: 'GHSA-aaaa-bbbb-cccc', package: 'left-pad', reason: 'ok', reviewed: '2026-12-02' },
        { advisory: 'GHSA-aaaa-bbbb-cccc', package: 'right-pad', reason, reviewed: '2026-12-02' },
      ],
    );
    expect(verdict.kind === 'checked' && verdict.blocking).toHaveLength(1);
  });

  it('says the audit did not happen when the endpoint answers with an error', () => {
    const verdict = evaluateAudit(
      {
        message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
        statusCode: 405,
      },
      [],
    );
    expect(verdict).toEqual({ kind: 'unreachable', message: expect.stringContaining('405') });
  });

  it('reads the reviewed allow-list of the repository', () => {
    for (const entry of readAllowlist()) {
      expect(entry.advisory).toMatch(/^GHSA-/);
      expect(entry.reason.length).toBeGreaterThanOrEqual(20);
    }
  });
});
