import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCommunes, target } from '../generate-communes.ts';

describe('communes.generated.ts', () => {
  it('is exactly what scripts/generate-communes.ts makes from the installed data', () => {
    expect(readFileSync(target, 'utf8')).toBe(renderCommunes());
  });

  it('takes an EPCI that crosses into another département whole, and refuses a commune in two EPCIs', () => {
    const text = renderCommunes([
      { code: '200000001', membres: [{ code: '59001' }, { code: '80001' }] },
      { code: '200000002', membres: [{ code: '75056' }] },
    ]);
    expect(text).toContain("'59001': '200000001',");
    expect(text).toContain("'80001': '200000001',");
    expect(text).not.toContain('75056');
    expect(() =>
      renderCommunes([
        { code: '200000001', membres: [{ code: '59001' }] },
        { code: '200000002', membres: [{ code: '59001' }] },
      ]),
    ).toThrow(/two EPCIs/);
  });
});
